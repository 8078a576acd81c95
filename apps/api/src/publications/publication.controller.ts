import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { PLATFORMS, type Platform } from '@app/config';
import { PUBLICATION_STATUSES, PublicationRepository, type PublicationStatus } from '@app/database';
import { Roles } from '../auth/auth.decorators.js';
import { IsInstant } from '../common/is-instant.decorator.js';

export class ListPublicationsQuery {
  @ApiPropertyOptional({ enum: PUBLICATION_STATUSES }) @IsOptional() @IsIn(PUBLICATION_STATUSES) status?: PublicationStatus;
  @ApiPropertyOptional({ enum: PLATFORMS }) @IsOptional() @IsIn(PLATFORMS) platform?: Platform;
  @ApiPropertyOptional() @IsOptional() @IsUUID() featureId?: string;
  @ApiPropertyOptional({ description: 'scheduled at or after (ISO 8601 with offset)' }) @IsOptional() @IsInstant() from?: string;
  @ApiPropertyOptional({ description: 'scheduled before (ISO 8601 with offset)' }) @IsOptional() @IsInstant() to?: string;
  @ApiPropertyOptional({ default: 1 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10_000) page = 1;
  @ApiPropertyOptional({ default: 50 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) pageSize = 50;
}

/** Read-only view of publishing for staff; a thin read, so it goes straight to the repository. */
@ApiTags('publications')
@ApiBearerAuth()
@Controller('publications')
export class PublicationController {
  constructor(private readonly publications: PublicationRepository) {}

  @Roles('staff')
  @Get()
  async list(@Query() q: ListPublicationsQuery) {
    const { items, total } = await this.publications.list(
      { status: q.status, platform: q.platform, featureId: q.featureId, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined },
      q.pageSize,
      (q.page - 1) * q.pageSize,
    );
    return {
      items: items.map((p) => ({
        id: p.id,
        featureId: p.featureId,
        rubric: p.rubric,
        isoWeek: p.isoWeek,
        businessId: p.businessId,
        businessName: p.businessName,
        platform: p.platform,
        status: p.status,
        scheduledAt: p.scheduledAt,
        publishedAt: p.publishedAt,
        attempts: p.attempts,
        externalId: p.externalId,
        externalUrl: p.externalUrl,
        lastError: p.lastError,
        caption: p.caption,
      })),
      total,
      page: q.page,
      pageSize: q.pageSize,
    };
  }
}
