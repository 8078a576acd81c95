import { ApiProperty } from '@nestjs/swagger';
import { PLATFORMS, RUBRICS } from '@app/config';
import type { FeatureEntity, PublicationEntity } from '@app/database';

export class FeaturePublicationDto {
  @ApiProperty({ enum: PLATFORMS }) platform!: string;
  @ApiProperty() status!: string;
  @ApiProperty() scheduledAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) publishedAt!: Date | null;
  @ApiProperty({ nullable: true, type: String }) url!: string | null;
}

/** One week a business was (or will be) featured, and where it went out. */
export class FeatureHistoryDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: RUBRICS }) rubric!: string;
  @ApiProperty({ example: '2026-W48' }) isoWeek!: string;
  @ApiProperty() weekStart!: Date;
  @ApiProperty() status!: string;
  @ApiProperty({ type: [FeaturePublicationDto] }) publications!: FeaturePublicationDto[];

  static from(f: FeatureEntity & { publications: PublicationEntity[] }): FeatureHistoryDto {
    return {
      id: f.id,
      rubric: f.rubric,
      isoWeek: f.isoWeek,
      weekStart: f.weekStart,
      status: f.status,
      publications: f.publications.map((p) => ({ platform: p.platform, status: p.status, scheduledAt: p.scheduledAt, publishedAt: p.publishedAt, url: p.externalUrl })),
    };
  }
}
