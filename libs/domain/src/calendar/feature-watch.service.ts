import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock, InjectSettings, PLATFORMS, type RubricCode, type RubricDefinition, type Settings } from '@app/config';
import { AlertRepository, type FeatureEntity, FeatureRepository } from '@app/database';
import { DomainError } from '../domain.errors.js';
import { ReadinessService } from '../readiness/readiness.service.js';
import { formatLocal, slotInstant } from '../time/iso-week.js';
import { CalendarService } from './calendar.service.js';
import { RUBRIC_DEFINITIONS } from './rubric-definitions.js';

export interface WatchRun {
  readonly confirmed: string[];
  readonly notReady: string[];
  /** Still planned after their first slot: nothing went out for them. */
  readonly missed: string[];
}

const WEEK_MS = 7 * 86_400_000;

/**
 * Looks at the features going out soon: within READINESS_LEAD each is checked and staff are alerted while it is not
 * ready; within CONFIRM_LEAD a planned feature that is ready is confirmed automatically. Safe on every replica:
 * confirming is a conditional update, and an open alert is raised once.
 */
@Injectable()
export class FeatureWatchService {
  private readonly logger = new Logger(FeatureWatchService.name);

  constructor(
    private readonly features: FeatureRepository,
    private readonly readiness: ReadinessService,
    private readonly calendar: CalendarService,
    private readonly alerts: AlertRepository,
    private readonly clock: Clock,
    @InjectSettings() private readonly settings: Settings,
    @Inject(RUBRIC_DEFINITIONS) private readonly rubrics: ReadonlyMap<RubricCode, RubricDefinition>,
  ) {}

  async run(): Promise<WatchRun> {
    const now = this.clock.now();
    const { readinessLeadSeconds, confirmLeadSeconds } = this.settings.calendar;
    const until = now.getTime() + readinessLeadSeconds * 1000;
    // A week's slots fall within its seven days, so weeks starting up to a week before `now` can still have some ahead.
    const soon = (await this.features.inWeeks(['planned', 'confirmed'], new Date(now.getTime() - WEEK_MS), new Date(until)))
      .map((feature) => ({ feature, firstSlot: this.firstSlot(feature) }))
      .filter(({ firstSlot }) => firstSlot.getTime() > now.getTime() && firstSlot.getTime() <= until);
    const run: WatchRun = { confirmed: [], notReady: [], missed: await this.alertMissed(now) };
    for (const { feature, firstSlot } of soon) {
      // One feature's failure (e.g. replaced meanwhile) must not stop the others being checked.
      const report = await this.readiness.check(feature.id).catch((error: Error) => {
        this.logger.warn({ featureId: feature.id, err: error.message }, 'readiness check failed; next run retries');
        return null;
      });
      if (!report) continue;
      const key = `feature_not_ready:${feature.id}`;
      if (!report.ready) {
        run.notReady.push(feature.id);
        await this.alerts.raise({
          kind: 'feature_not_ready',
          dedupeKey: key,
          featureId: feature.id,
          message: `${this.rubrics.get(feature.rubric)?.name ?? feature.rubric} ${feature.isoWeek} belum siap tayang: ${report.problems.map((p) => p.message).join(' ')}`,
          action: 'Perbaiki masalah di atas (atau ganti usaha minggu ini), lalu periksa lagi di GET /api/features/:id/readiness.',
        });
        continue;
      }
      await this.alerts.resolve(key);
      if (feature.status === 'planned' && firstSlot.getTime() - confirmLeadSeconds * 1000 <= now.getTime()) {
        try {
          await this.calendar.confirm(null, feature.id);
          run.confirmed.push(feature.id);
        } catch (error) {
          // Someone confirmed, replaced or cancelled it meanwhile: nothing to do.
          if (!(error instanceof DomainError && error.kind === 'conflict')) throw error;
        }
      }
    }
    if (run.confirmed.length + run.notReady.length + run.missed.length > 0) {
      this.logger.log({ confirmed: run.confirmed.length, notReady: run.notReady.length, missed: run.missed.length }, 'features checked');
    }
    return run;
  }

  /**
   * A feature still planned after its first slot went out nowhere: its readiness check failed on every run, or no
   * worker ran through the lead time. Staff hear of it once; the alert closes when the feature is confirmed (with a
   * new time), replaced or cancelled.
   */
  private async alertMissed(now: Date): Promise<string[]> {
    const planned = await this.features.inWeeks(['planned'], new Date(now.getTime() - 2 * WEEK_MS), now);
    const missed = planned.map((feature) => ({ feature, firstSlot: this.firstSlot(feature) })).filter(({ firstSlot }) => firstSlot.getTime() <= now.getTime());
    for (const { feature, firstSlot } of missed) {
      await this.alerts.raise({
        kind: 'feature_missed',
        dedupeKey: `feature_missed:${feature.id}`,
        featureId: feature.id,
        message: `${this.rubrics.get(feature.rubric)?.name ?? feature.rubric} ${feature.isoWeek} belum dikonfirmasi, padahal jadwal tayang pertamanya (${formatLocal(firstSlot, 'd LLL yyyy HH.mm')} WIB) sudah lewat: belum ada yang diunggah.`,
        action: 'Konfirmasi dengan waktu tayang baru (POST /api/features/:id/confirm dengan publishAt) atau batalkan fitur minggu ini.',
      });
    }
    await this.alerts.resolveSettled();
    return missed.map(({ feature }) => feature.id);
  }

  private firstSlot(feature: FeatureEntity): Date {
    const rubric = this.rubrics.get(feature.rubric)!;
    return new Date(Math.min(...PLATFORMS.map((p) => slotInstant(feature.isoWeek, rubric.slots[p]).getTime())));
  }
}
