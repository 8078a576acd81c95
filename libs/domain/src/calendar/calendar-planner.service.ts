import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock, InjectSettings, type RubricCode, type RubricDefinition, type Settings } from '@app/config';
import { AlertRepository, CalendarRepository } from '@app/database';
import type { EntityManager } from 'typeorm';
import { planHorizon, type PlannedWeek, weekKey } from '../rotation/horizon-planner.js';
import type { RotationCandidate } from '../rotation/rotation-policy.js';
import { addWeeks, isoWeekOf, weekStart } from '../time/iso-week.js';
import { RUBRIC_DEFINITIONS } from './rubric-definitions.js';

export interface PlanRun {
  /** Ids of the features planned by this run. */
  readonly planned: string[];
  /** Rubric-weeks left empty, with the reason staff see. */
  readonly empty: Array<{ rubric: RubricCode; isoWeek: string; reason: string }>;
}

/**
 * Keeps the coming weeks planned with the rotation. Every run holds the planner lock (a Postgres advisory lock),
 * so the periodic job firing on every worker replica, and staff editing the calendar, plan each week once.
 */
@Injectable()
export class CalendarPlannerService {
  private readonly logger = new Logger(CalendarPlannerService.name);

  constructor(
    private readonly calendar: CalendarRepository,
    private readonly alerts: AlertRepository,
    private readonly clock: Clock,
    @InjectSettings() private readonly settings: Settings,
    @Inject(RUBRIC_DEFINITIONS) private readonly rubrics: ReadonlyMap<RubricCode, RubricDefinition>,
  ) {}

  /** Next week and the N - 1 after it, in WIB. */
  horizon(): string[] {
    const next = addWeeks(isoWeekOf(this.clock.now()), 1);
    return Array.from({ length: this.settings.calendar.horizonWeeks }, (_, i) => addWeeks(next, i));
  }

  /** Fills the free weeks of the horizon; empty weeks raise one alert each. */
  async planHorizon(): Promise<PlanRun> {
    const run = await this.calendar.withPlannerLock((manager) => this.fill(manager, this.horizon()));
    await this.alerts.resolveSettled();
    for (const empty of run.empty) {
      await this.alerts.raise({
        kind: 'week_empty',
        dedupeKey: `week_empty:${empty.rubric}:${empty.isoWeek}`,
        message: `${this.rubrics.get(empty.rubric)?.name ?? empty.rubric} ${empty.isoWeek}: ${empty.reason}`,
        action: 'Pilih usaha secara manual (pin), lewati minggu ini, atau setujui lebih banyak usaha untuk rubrik ini.',
      });
    }
    if (run.planned.length > 0) this.logger.log({ planned: run.planned.length, empty: run.empty.length }, 'calendar planned');
    return run;
  }

  /**
   * After a manual change (inside the planner lock): rotation proposals of the horizon, and of `alsoWeeks`, are
   * recomputed around the manual choices.
   */
  async replan(manager: EntityManager, alsoWeeks: readonly string[] = []): Promise<PlanRun> {
    const weeks = [...new Set([...this.horizon(), ...alsoWeeks])].sort();
    await this.calendar.deleteRotationProposals(manager, weeks);
    return this.fill(manager, weeks);
  }

  /** Plans the given weeks (only `rubric`, if given) and writes the picks. */
  async fill(manager: EntityManager, weeks: readonly string[], rubric?: RubricCode): Promise<PlanRun> {
    await this.calendar.cancelStalePlanned(manager, weeks);
    const plan = await this.preview(manager, weeks, rubric);
    const picks = plan.flatMap((p) => (p.outcome.businessId === null ? [] : [{ ...p, businessId: p.outcome.businessId, reason: p.outcome.reason }]));
    const planned = await this.calendar.insertPlanned(
      manager,
      picks.map((p) => ({ rubric: p.rubric, isoWeek: p.isoWeek, weekStart: weekStart(p.isoWeek), businessId: p.businessId, chosenBy: 'rotation' as const, reason: p.reason })),
    );
    return { planned, empty: plan.flatMap((p) => (p.outcome.businessId === null ? [{ rubric: p.rubric, isoWeek: p.isoWeek, reason: p.outcome.reason }] : [])) };
  }

  /** What the rotation would do with the free weeks, without writing anything. */
  async preview(manager: EntityManager, weeks: readonly string[], rubric?: RubricCode): Promise<PlannedWeek[]> {
    // One connection in a transaction: the reads run one after the other.
    const facts = await this.calendar.featureFacts(manager);
    const candidateRows = await this.calendar.candidates(manager);
    const skips = await this.calendar.skips(manager, weeks);
    const exclusions = await this.calendar.exclusions(manager, weeks);
    const candidates = new Map<RubricCode, RotationCandidate[]>();
    for (const row of candidateRows) {
      if (!candidates.has(row.rubric)) candidates.set(row.rubric, []);
      candidates.get(row.rubric)!.push(row);
    }
    const excluded = new Map<string, Set<string>>();
    for (const row of exclusions) {
      const key = weekKey(row.rubric, row.isoWeek);
      if (!excluded.has(key)) excluded.set(key, new Set());
      excluded.get(key)!.add(row.businessId);
    }
    return planHorizon({
      weeks: [...weeks].sort(),
      rubrics: rubric ? [rubric] : [...this.rubrics.keys()],
      candidates,
      features: facts,
      skipped: new Set(skips.map((s) => weekKey(s.rubric, s.isoWeek))),
      excluded,
      rules: { cooldownWeeks: this.settings.calendar.cooldownWeeks },
    });
  }
}
