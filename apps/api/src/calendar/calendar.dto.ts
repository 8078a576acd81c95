import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { RUBRICS, type RubricCode } from '@app/config';
import type { FeatureEntity } from '@app/database';
import { IsIsoWeek } from '@app/domain';
import { IsInstant } from '../common/is-instant.decorator.js';

export class PlanWeekDto {
  @ApiProperty({ enum: RUBRICS })
  @IsIn(RUBRICS, { message: `rubric must be one of ${RUBRICS.join(', ')}` })
  rubric!: RubricCode;

  @ApiPropertyOptional({ example: '2026-W49', description: 'ISO week in Asia/Jakarta; default: next week' })
  @IsOptional()
  @IsIsoWeek()
  week?: string;
}

export class ConfirmFeatureDto {
  @ApiPropertyOptional({ description: "Publish every platform at this instant instead of the rubric's slots (ISO 8601 with offset)" })
  @IsOptional()
  @IsInstant()
  publishAt?: string;
}

export class FeatureResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: RUBRICS }) rubric!: string;
  @ApiProperty({ example: '2026-W49' }) isoWeek!: string;
  @ApiProperty() weekStart!: Date;
  @ApiProperty() businessId!: string;
  @ApiProperty({ enum: ['rotation', 'staff', 'import'] }) chosenBy!: string;
  @ApiProperty({ description: 'Why this business was picked (Bahasa Indonesia)' }) reason!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ nullable: true, type: Date }) confirmedAt!: Date | null;

  static from(f: FeatureEntity): FeatureResponseDto {
    const { id, rubric, isoWeek, weekStart, businessId, chosenBy, reason, status, confirmedAt } = f;
    return { id, rubric, isoWeek, weekStart, businessId, chosenBy, reason, status, confirmedAt };
  }
}


export class CalendarQuery {
  @ApiPropertyOptional({ example: '2026-W49', description: 'First week shown (default: this week, WIB)' })
  @IsOptional()
  @IsIsoWeek()
  from?: string;

  @ApiPropertyOptional({ default: 8 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(53) weeks = 8;
}

export class PinDto {
  @ApiProperty({ enum: RUBRICS }) @IsIn(RUBRICS, { message: `rubric must be one of ${RUBRICS.join(', ')}` }) rubric!: RubricCode;
  @ApiProperty({ example: '2026-W50' }) @IsIsoWeek() week!: string;
  @ApiProperty() @IsUUID('all', { message: 'businessId must be a business id' }) businessId!: string;
}

export class SwapDto {
  @ApiProperty({ enum: RUBRICS }) @IsIn(RUBRICS, { message: `rubric must be one of ${RUBRICS.join(', ')}` }) rubric!: RubricCode;
  @ApiProperty({ example: '2026-W50' }) @IsIsoWeek() weekA!: string;
  @ApiProperty({ example: '2026-W51' }) @IsIsoWeek() weekB!: string;
}

export class SkipDto {
  @ApiProperty({ enum: RUBRICS }) @IsIn(RUBRICS, { message: `rubric must be one of ${RUBRICS.join(', ')}` }) rubric!: RubricCode;
  @ApiProperty({ example: '2027-W13' }) @IsIsoWeek() week!: string;
  @ApiProperty({ example: 'Libur Lebaran' }) @IsString() @Matches(/[\p{L}\p{N}]/u, { message: 'note must contain letters or digits' }) @MinLength(2) @MaxLength(300) note!: string;
}

export class UpdateFeatureDto {
  @ApiPropertyOptional({ description: 'New time for every platform (ISO 8601 with offset)' })
  @IsOptional()
  @IsInstant()
  publishAt?: string;

  @ApiPropertyOptional({ description: 'Render the captions again from the current profile' })
  @IsOptional()
  @IsBoolean({ message: 'recompose must be true or false' })
  recompose?: boolean;
}

export class ReplaceDto {
  @ApiPropertyOptional({ description: "The business to feature instead; omitted: the rotation's next pick" })
  @IsOptional()
  @IsUUID('all', { message: 'businessId must be a business id' })
  businessId?: string;
}
