import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ReadinessService } from '@app/domain';
import { Roles } from '../auth/auth.decorators.js';
import { FeatureReadinessDto } from './feature-readiness.dto.js';
import { UuidParam } from '../common/uuid-param.decorator.js';

@ApiTags('calendar')
@ApiBearerAuth()
@Controller()
export class FeatureReadinessController {
  constructor(private readonly readiness: ReadinessService) {}

  /** Checks now, against the platforms, whether the feature can go out at its slots; problems are listed, not thrown. */
  @Roles('staff', 'manager')
  @Get('features/:id/readiness')
  @ApiOperation({ summary: "Readiness of a feature: accounts and tokens, Instagram quota, image, captions (200 even when not ready)" })
  @ApiOkResponse({ type: FeatureReadinessDto })
  async get(@UuidParam('id') id: string): Promise<FeatureReadinessDto> {
    return FeatureReadinessDto.from(await this.readiness.check(id));
  }
}
