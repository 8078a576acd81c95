import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { BREAKDOWNS, type Breakdown } from '@app/domain';

const WINDOW = /^\d+[smhd]$/;

export class FormatQuery {
  @ApiPropertyOptional({ example: '7d', description: 'Use the snapshot at this age (one of METRIC_WINDOWS) instead of the latest, so periods compare fairly' })
  @IsOptional()
  @Matches(WINDOW, { message: 'window must be a metric window like 7d' })
  window?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], description: 'csv: UTF-8 with BOM, comma separated, Indonesian column labels, dates in WIB' })
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'format must be json or csv' })
  format?: 'json' | 'csv';
}

export class PeriodQuery extends FormatQuery {
  @ApiProperty({ example: '2026-11-01', description: 'First day (WIB), inclusive' })
  // Years bounded so that every date the report derives (a day after `to`, a week before `from`) stays valid in SQL.
  @Matches(/^20\d{2}-\d{2}-\d{2}$/, { message: 'from must be a date from 2000 to 2099 like 2026-11-01' })
  @IsDateString({ strict: true }, { message: 'from must be a real calendar date' })
  from!: string;

  @ApiProperty({ example: '2026-11-30', description: 'Last day (WIB), inclusive' })
  // Years bounded so that every date the report derives (a day after `to`, a week before `from`) stays valid in SQL.
  @Matches(/^20\d{2}-\d{2}-\d{2}$/, { message: 'to must be a date from 2000 to 2099 like 2026-11-30' })
  @IsDateString({ strict: true }, { message: 'to must be a real calendar date' })
  to!: string;
}

export class TopBusinessesQuery extends PeriodQuery {
  @ApiPropertyOptional({ example: 10, description: 'How many businesses (1-100), default 10' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(100, { message: 'limit must be at most 100' })
  limit?: number;
}

export class BusinessReportQuery extends FormatQuery {}

export class BreakdownQuery extends PeriodQuery {
  @ApiPropertyOptional({ example: 100, description: 'Business breakdown only: rows per page (1-1000, default 100; CSV lists all unless given)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1, { message: 'limit must be at least 1' })
  @Max(1000, { message: 'limit must be at most 1000' })
  limit?: number;

  @ApiPropertyOptional({ example: 0, description: 'Business breakdown only: rows to skip' })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'offset must be a whole number' })
  @Min(0, { message: 'offset must not be negative' })
  @Max(10_000_000, { message: 'offset must be at most 10000000' })
  offset?: number;
}

export class BreakdownParams {
  @ApiProperty({ enum: BREAKDOWNS })
  @IsIn(BREAKDOWNS, { message: `dimension must be one of ${BREAKDOWNS.join(', ')}` })
  dimension!: Breakdown;
}
