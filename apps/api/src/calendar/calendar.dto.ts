import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, Matches } from 'class-validator';
import { RUBRICS, type RubricCode } from '@app/config';
import type { FeatureEntity } from '@app/database';

export class PlanWeekDto {
  @ApiProperty({ enum: RUBRICS })
  @IsIn(RUBRICS, { message: `rubric must be one of ${RUBRICS.join(', ')}` })
  rubric!: RubricCode;

  @ApiPropertyOptional({ example: '2026-W49', description: 'ISO week in Asia/Jakarta; default: next week' })
  @IsOptional()
  @Matches(/^\d{4}-W\d{2}$/, { message: 'week must be an ISO week like 2026-W49' })
  week?: string;
}

export class ConfirmFeatureDto {
  @ApiPropertyOptional({ description: "Publish every platform at this instant instead of the rubric's slots (ISO 8601 with offset)" })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'publishAt must be an ISO 8601 date-time, e.g. 2026-11-24T10:00:00+07:00' })
  publishAt?: string;
}

export class FeatureResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: RUBRICS }) rubric!: string;
  @ApiProperty({ example: '2026-W49' }) isoWeek!: string;
  @ApiProperty() weekStart!: Date;
  @ApiProperty() businessId!: string;
  @ApiProperty({ enum: ['rotation', 'staff'] }) chosenBy!: string;
  @ApiProperty({ description: 'Why this business was picked (Bahasa Indonesia)' }) reason!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ nullable: true, type: Date }) confirmedAt!: Date | null;

  static from(f: FeatureEntity): FeatureResponseDto {
    const { id, rubric, isoWeek, weekStart, businessId, chosenBy, reason, status, confirmedAt } = f;
    return { id, rubric, isoWeek, weekStart, businessId, chosenBy, reason, status, confirmedAt };
  }
}
