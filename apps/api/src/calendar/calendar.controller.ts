import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type Actor, CalendarService } from '@app/domain';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { ConfirmFeatureDto, FeatureResponseDto, PlanWeekDto } from './calendar.dto.js';

@ApiTags('calendar')
@ApiBearerAuth()
@Controller()
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  /** Lets the rotation pick the business for a rubric's week (idempotent: an already planned week is returned). */
  @Roles('staff')
  @Post('calendar/plan')
  @HttpCode(200)
  async plan(@Body() body: PlanWeekDto): Promise<FeatureResponseDto> {
    return FeatureResponseDto.from(await this.calendar.planWeek(body.rubric, body.week));
  }

  @Roles('staff', 'manager')
  @Get('features/:id')
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<FeatureResponseDto> {
    return FeatureResponseDto.from(await this.calendar.get(id));
  }

  @Roles('staff')
  @Post('features/:id/confirm')
  @HttpCode(200)
  async confirm(@CurrentActor() actor: Actor, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: ConfirmFeatureDto): Promise<FeatureResponseDto> {
    return FeatureResponseDto.from(await this.calendar.confirm(actor, id, body.publishAt ? new Date(body.publishAt) : undefined));
  }
}
