import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Clock, RUBRICS, type RubricCode } from '@app/config';
import { type Actor, CalendarEditorService, CalendarService, CalendarViewService, type CalendarWeek, invalidField, isoWeekOf, isValidIsoWeek } from '@app/domain';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { CalendarQuery, ConfirmFeatureDto, FeatureResponseDto, PinDto, PlanWeekDto, ReplaceDto, SkipDto, SwapDto, UpdateFeatureDto } from './calendar.dto.js';
import { UuidParam } from '../common/uuid-param.decorator.js';

@ApiTags('calendar')
@ApiBearerAuth()
@Controller()
export class CalendarController {
  constructor(
    private readonly calendar: CalendarService,
    private readonly editor: CalendarEditorService,
    private readonly view: CalendarViewService,
    private readonly clock: Clock,
  ) {}

  /** Weeks x rubrics: each week's business, status, publications and the rotation's reason; free weeks show what the rotation proposes or why it cannot. */
  @Roles('staff', 'manager')
  @Get('calendar')
  weeks(@Query() query: CalendarQuery): Promise<CalendarWeek[]> {
    const from = query.from ?? isoWeekOf(this.clock.now());
    if (!isValidIsoWeek(from)) throw invalidField('from', 'from must be an ISO week like 2026-W49');
    return this.view.weeks(from, query.weeks);
  }

  /** Lets the rotation pick the business for a rubric's week (idempotent: an already planned week is returned). */
  @Roles('staff')
  @Post('calendar/plan')
  @HttpCode(200)
  async plan(@Body() body: PlanWeekDto): Promise<FeatureResponseDto> {
    return FeatureResponseDto.from(await this.calendar.planWeek(body.rubric, body.week));
  }

  @Roles('staff')
  @Post('calendar/pin')
  @HttpCode(200)
  async pin(@CurrentActor() actor: Actor, @Body() body: PinDto): Promise<FeatureResponseDto> {
    return FeatureResponseDto.from(await this.editor.pin(actor, body.rubric, body.week, body.businessId));
  }

  @Roles('staff')
  @Post('calendar/swap')
  @HttpCode(200)
  async swap(@CurrentActor() actor: Actor, @Body() body: SwapDto): Promise<FeatureResponseDto[]> {
    return (await this.editor.swap(actor, body.rubric, body.weekA, body.weekB)).map((f) => FeatureResponseDto.from(f));
  }

  @Roles('staff')
  @Post('calendar/skips')
  @HttpCode(204)
  async skip(@CurrentActor() actor: Actor, @Body() body: SkipDto): Promise<void> {
    await this.editor.skip(actor, body.rubric, body.week, body.note);
  }

  @Roles('staff')
  @Delete('calendar/skips/:rubric/:week')
  @HttpCode(204)
  async unskip(@CurrentActor() actor: Actor, @Param('rubric') rubric: string, @Param('week') week: string): Promise<void> {
    if (!(RUBRICS as readonly string[]).includes(rubric)) throw invalidField('rubric', `rubric must be one of ${RUBRICS.join(', ')}`);
    await this.editor.unskip(actor, rubric as RubricCode, week);
  }

  @Roles('staff', 'manager')
  @Get('features/:id')
  async get(@UuidParam('id') id: string): Promise<FeatureResponseDto> {
    return FeatureResponseDto.from(await this.calendar.get(id));
  }

  @Roles('staff')
  @Post('features/:id/confirm')
  @HttpCode(200)
  async confirm(@CurrentActor() actor: Actor, @UuidParam('id') id: string, @Body() body: ConfirmFeatureDto): Promise<FeatureResponseDto> {
    return FeatureResponseDto.from(await this.calendar.confirm(actor, id, body.publishAt ? new Date(body.publishAt) : undefined));
  }

  /** Moves a confirmed feature to a new time and/or renders its captions again; queued jobs of the old version do nothing. */
  @Roles('staff')
  @Patch('features/:id')
  async update(@CurrentActor() actor: Actor, @UuidParam('id') id: string, @Body() body: UpdateFeatureDto): Promise<FeatureResponseDto> {
    if (!body.publishAt && !body.recompose) throw invalidField('body', 'send publishAt and/or recompose: true');
    return FeatureResponseDto.from(await this.calendar.update(actor, id, { publishAt: body.publishAt ? new Date(body.publishAt) : undefined, recompose: body.recompose }));
  }

  /** Cancels what has not gone out and puts the named business (or the rotation's next pick) in the week; `replacement` is null when nobody fits. */
  @Roles('staff')
  @Post('features/:id/replace')
  @HttpCode(200)
  async replace(@CurrentActor() actor: Actor, @UuidParam('id') id: string, @Body() body: ReplaceDto): Promise<{ replacement: FeatureResponseDto | null }> {
    const replacement = await this.editor.replace(actor, id, body.businessId);
    return { replacement: replacement ? FeatureResponseDto.from(replacement) : null };
  }
}
