import { Inject, Injectable } from '@nestjs/common';
import type { RubricCode, RubricDefinition } from '@app/config';
import { CalendarRepository, type CalendarCellRow } from '@app/database';
import { weekKey } from '../rotation/horizon-planner.js';
import { addWeeks, weekStart } from '../time/iso-week.js';
import { CalendarPlannerService } from './calendar-planner.service.js';
import { RUBRIC_DEFINITIONS } from './rubric-definitions.js';

export interface CalendarCell {
  rubric: RubricCode;
  feature: Omit<CalendarCellRow, 'rubric' | 'isoWeek'> | null;
  skip: { note: string } | null;
  /** For a free week: what the rotation would pick, or why the week stays empty (Bahasa Indonesia). */
  proposal: { businessId: string | null; reason: string } | null;
}

export interface CalendarWeek {
  isoWeek: string;
  weekStart: Date;
  rubrics: CalendarCell[];
}

/** Weeks x rubrics as staff and managers see them. */
@Injectable()
export class CalendarViewService {
  constructor(
    private readonly calendar: CalendarRepository,
    private readonly planner: CalendarPlannerService,
    @Inject(RUBRIC_DEFINITIONS) private readonly rubrics: ReadonlyMap<RubricCode, RubricDefinition>,
  ) {}

  async weeks(from: string, count: number): Promise<CalendarWeek[]> {
    const weeks = Array.from({ length: count }, (_, i) => addWeeks(from, i));
    const [cells, skips, preview] = await this.calendar.readOnly(async (manager) => [
      await this.calendar.cells(manager, weeks),
      await this.calendar.skips(manager, weeks),
      await this.planner.preview(manager, weeks),
    ] as const);
    const byKey = new Map(cells.map((c) => [weekKey(c.rubric, c.isoWeek), c]));
    const skipByKey = new Map(skips.map((s) => [weekKey(s.rubric, s.isoWeek), s]));
    const proposalByKey = new Map(preview.map((p) => [weekKey(p.rubric, p.isoWeek), p.outcome]));
    return weeks.map((isoWeek) => ({
      isoWeek,
      weekStart: weekStart(isoWeek),
      rubrics: [...this.rubrics.keys()].map((rubric) => {
        const key = weekKey(rubric, isoWeek);
        const cell = byKey.get(key);
        const skip = skipByKey.get(key);
        const { rubric: _r, isoWeek: _w, ...feature } = cell ?? ({} as CalendarCellRow);
        return {
          rubric,
          feature: cell ? feature : null,
          skip: skip ? { note: skip.note } : null,
          proposal: proposalByKey.get(key) ?? null,
        };
      }),
    }));
  }
}
