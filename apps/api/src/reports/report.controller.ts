import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsDateString, Matches } from 'class-validator';
import { ReportService, type ReportSummary } from '@app/domain';
import { Roles } from '../auth/auth.decorators.js';

export class SummaryQuery {
  @ApiProperty({ example: '2026-11-01', description: 'First day (WIB), inclusive' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'from must be a date like 2026-11-01' })
  @IsDateString({ strict: true }, { message: 'from must be a real calendar date' })
  from!: string;

  @ApiProperty({ example: '2026-11-30', description: 'Last day (WIB), inclusive' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'to must be a date like 2026-11-30' })
  @IsDateString({ strict: true }, { message: 'to must be a real calendar date' })
  to!: string;
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportController {
  constructor(private readonly reports: ReportService) {}

  @Roles('manager', 'staff')
  @Get('summary')
  summary(@Query() q: SummaryQuery): Promise<ReportSummary> {
    return this.reports.summary(q.from, q.to);
  }
}
