import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type AlertRow, AlertRepository } from '@app/database';
import { type Actor, notFound } from '@app/domain';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { UuidParam } from '../common/uuid-param.decorator.js';

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

  /** Marks an alert handled. Alerts whose situation is over (week planned, feature cancelled) close by themselves. */
  @Roles('staff')
  @Post(':id/resolve')
  @HttpCode(204)
  async resolve(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<void> {
    if ((await this.alerts.resolveById(id, actor.userId)) === 'missing') throw notFound('alert', id);
  }
}
