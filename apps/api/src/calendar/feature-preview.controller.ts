import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { FeaturePreviewService } from '@app/domain';
import { Roles } from '../auth/auth.decorators.js';
import { FeaturePreviewDto } from './feature-preview.dto.js';
import { UuidParam } from '../common/uuid-param.decorator.js';

@ApiTags('calendar')
@ApiBearerAuth()
@Controller()
export class FeaturePreviewController {
  constructor(private readonly previews: FeaturePreviewService) {}

  /**
   * Each platform's caption (with its length, limit, hashtag and mention counts and what was shortened) and image.
   * A confirmed feature shows what its publications will post; a planned one is rendered from the live profile.
   */
  @Roles('staff', 'manager')
  @Get('features/:id/preview')
  async preview(@UuidParam('id') id: string): Promise<FeaturePreviewDto> {
    return FeaturePreviewDto.from(await this.previews.preview(id));
  }
}
