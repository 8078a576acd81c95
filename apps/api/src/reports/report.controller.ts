import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  type Actor,
  type BusinessBreakdown,
  type BusinessReport,
  BusinessReportService,
  type EquityReport,
  type GroupBreakdown,
  ReportService,
  type ReportSummary,
} from '@app/domain';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { BreakdownParams, BreakdownQuery, BusinessReportQuery, FormatQuery, PeriodQuery, TopBusinessesQuery } from './report.dto.js';
import { breakdownCsv, businessesCsv, businessReportCsv, equityCsv, followersCsv, summaryCsv } from './report-csv.js';
import { UuidParam } from '../common/uuid-param.decorator.js';

/** JSON by default; `?format=csv` answers the same numbers as a CSV download. */
function answer<T>(res: Response, format: 'json' | 'csv' | undefined, body: T, csv: (body: T) => string, name: string): T | string {
  if (format !== 'csv') return body;
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="${name}.csv"`);
  return csv(body);
}

const FORMATS = ['application/json', 'text/csv'];

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportController {
  constructor(
    private readonly reports: ReportService,
    private readonly businessReports: BusinessReportService,
  ) {}

  @Roles('manager', 'staff')
  @Get('summary')
  @ApiProduces(...FORMATS)
  @ApiOperation({ summary: 'Features, businesses, publications and reach per platform for a WIB period' })
  async summary(@Query() q: PeriodQuery, @Res({ passthrough: true }) res: Response): Promise<ReportSummary | string> {
    const body = await this.reports.summary(q.from, q.to, q.window ?? null);
    return answer(res, q.format, body, summaryCsv, `ringkasan-${q.from}-${q.to}`);
  }

  @Roles('manager', 'staff')
  @Get('programme-to-date')
  @ApiProduces(...FORMATS)
  @ApiOperation({ summary: 'The summary from the first feature (imported ones included) to today (WIB)' })
  async programmeToDate(@Query() q: FormatQuery, @Res({ passthrough: true }) res: Response): Promise<ReportSummary | string> {
    const body = await this.reports.programmeToDate(q.window ?? null);
    return answer(res, q.format, body, summaryCsv, 'sejak-awal-program');
  }

  @Roles('manager', 'staff')
  @Get('breakdown/:dimension')
  @ApiProduces(...FORMATS)
  @ApiOperation({ summary: 'The summary per week, month, rubric, platform, kecamatan or business' })
  async breakdown(
    @Param() p: BreakdownParams,
    @Query() q: BreakdownQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<GroupBreakdown | BusinessBreakdown | string> {
    // A CSV export lists every business unless a page is asked for; JSON pages by 100.
    const page = q.format === 'csv' && q.limit === undefined ? null : { limit: q.limit ?? 100, offset: q.offset ?? 0 };
    const body = await this.reports.breakdown(p.dimension, q.from, q.to, q.window ?? null, page);
    if (body.dimension === 'business') return answer(res, q.format, body, businessesCsv, `per-usaha-${q.from}-${q.to}`);
    return answer(res, q.format, body, breakdownCsv, `per-${p.dimension}-${q.from}-${q.to}`);
  }

  @Roles('manager', 'staff')
  @Get('top-businesses')
  @ApiProduces(...FORMATS)
  @ApiOperation({ summary: 'Businesses with the most Instagram + Facebook reach in a WIB period' })
  async topBusinesses(@Query() q: TopBusinessesQuery, @Res({ passthrough: true }) res: Response): Promise<BusinessBreakdown | string> {
    const body = await this.reports.businesses(q.from, q.to, q.window ?? null, q.limit ?? 10);
    return answer(res, q.format, body, businessesCsv, `usaha-teratas-${q.from}-${q.to}`);
  }

  @Roles('manager', 'staff')
  @Get('equity')
  @ApiProduces(...FORMATS)
  @ApiOperation({ summary: 'Per kecamatan: registered vs featured businesses and their share of reach' })
  async equity(@Query() q: PeriodQuery, @Res({ passthrough: true }) res: Response): Promise<EquityReport | string> {
    const body = await this.reports.equity(q.from, q.to, q.window ?? null);
    return answer(res, q.format, body, equityCsv, `pemerataan-${q.from}-${q.to}`);
  }

  @Roles('manager', 'staff')
  @Get('followers')
  @ApiProduces(...FORMATS)
  @ApiOperation({ summary: 'Daily follower counts per platform account (WIB days)' })
  async followers(@Query() q: PeriodQuery, @Res({ passthrough: true }) res: Response): Promise<unknown> {
    const body = await this.reports.followers(q.from, q.to);
    return answer(res, q.format, body, followersCsv, `pengikut-${q.from}-${q.to}`);
  }

  @Roles('owner', 'manager', 'staff')
  @Get('businesses/:id')
  @ApiProduces(...FORMATS)
  @ApiOperation({ summary: 'When and where one business was featured, with reach; owners see only their own' })
  async business(
    @CurrentActor() actor: Actor,
    @UuidParam('id') id: string,
    @Query() q: BusinessReportQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<BusinessReport | string> {
    const body = await this.businessReports.forBusiness(actor, id, q.window ?? null);
    return answer(res, q.format, body, businessReportCsv, `laporan-usaha-${id}`);
  }
}
