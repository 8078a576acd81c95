import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, IsUrl, Matches, MaxLength, ValidateIf } from 'class-validator';
import type { PublicationEntity } from '@app/database';
import { type Actor, PublicationActionsService } from '@app/domain';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { IsInstant } from '../common/is-instant.decorator.js';
import { UuidParam } from '../common/uuid-param.decorator.js';

export class PlatformCheckedDto {
  @ApiPropertyOptional({ description: 'Required for an `unknown` or `needs_attention` publication: staff checked the account and the post is not there' })
  @IsOptional()
  @IsBoolean({ message: 'checkedNotPosted must be true or false' })
  checkedNotPosted?: boolean;
}

export class MarkPostedDto {
  @ApiPropertyOptional({ example: '17895695668004550', description: "The post's id on the platform (metrics are read with it). Without it, `url` is looked up on the account." })
  @ValidateIf((body: MarkPostedDto) => body.externalId !== undefined || body.url === undefined || body.url === null)
  @IsString({ message: 'externalId or url is required: the platform post id, or the address of the post' })
  @Matches(/^[A-Za-z0-9_:-]{1,100}$/, { message: 'externalId must be the platform post id (letters, digits, _ : -)' })
  externalId?: string;

  @ApiPropertyOptional({ example: 'https://www.instagram.com/p/C0abc123/', description: 'The address of the post; alone, the post is found among the account\'s posts by it' })
  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true }, { message: 'url must be the https address of the post' })
  @MaxLength(500)
  url?: string;

  @ApiPropertyOptional({ example: '2026-11-20T10:15:00+07:00', description: 'When the post went out (ISO 8601 with offset); now when absent. Metric windows count from it.' })
  @IsOptional()
  @IsInstant()
  postedAt?: string;
}

/** Staff decisions when publishing needs a human. Each answers with the publication's new state. */
@ApiTags('publications')
@ApiBearerAuth()
@Controller('publications/:id')
export class PublicationActionsController {
  constructor(private readonly actions: PublicationActionsService) {}

  @Roles('staff')
  @Post('retry')
  @HttpCode(200)
  retry(@CurrentActor() actor: Actor, @UuidParam('id') id: string, @Body() body: PlatformCheckedDto): Promise<PublicationEntity> {
    return this.actions.retry(actor, id, body.checkedNotPosted ?? false);
  }

  @Roles('staff')
  @Post('cancel')
  @HttpCode(200)
  cancel(@CurrentActor() actor: Actor, @UuidParam('id') id: string, @Body() body: PlatformCheckedDto): Promise<PublicationEntity> {
    return this.actions.cancel(actor, id, body.checkedNotPosted ?? false);
  }

  @Roles('staff')
  @Post('mark-posted')
  @HttpCode(200)
  markPosted(@CurrentActor() actor: Actor, @UuidParam('id') id: string, @Body() body: MarkPostedDto): Promise<PublicationEntity> {
    const post = body.externalId === undefined ? { url: body.url! } : { externalId: body.externalId, url: body.url ?? null };
    return this.actions.markPosted(actor, id, post, body.postedAt === undefined ? undefined : new Date(body.postedAt));
  }
}
