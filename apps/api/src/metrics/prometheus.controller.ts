import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/auth.decorators.js';
import { PrometheusMetricsService } from './prometheus-metrics.service.js';

/**
 * `GET /api/metrics` (Prometheus' `metrics_path`; under /api like every route, so the one access table covers it):
 * aggregate counts only, no personal data, so no login.
 */
@ApiExcludeController()
@Controller('metrics')
export class PrometheusController {
  constructor(private readonly metrics: PrometheusMetricsService) {}

  @Public()
  @Get()
  async scrape(@Res() res: Response): Promise<void> {
    const body = await this.metrics.render();
    res.set('Cache-Control', 'no-store').type(this.metrics.contentType).send(body);
  }
}
