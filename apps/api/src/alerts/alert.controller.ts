import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type AlertRow, AlertRepository } from '@app/database';
import { Roles } from '../auth/auth.decorators.js';

/** Open alerts for staff: what happened, where, and what to do. A thin read, so straight to the repository. */
@ApiTags('alerts')
@ApiBearerAuth()
@Controller('alerts')
export class AlertController {
  constructor(private readonly alerts: AlertRepository) {}

  @Roles('staff')
  @Get()
  list(): Promise<AlertRow[]> {
    return this.alerts.listOpen();
  }
}
