import { Injectable, Logger } from '@nestjs/common';
import { Clock, InjectSettings, type Settings } from '@app/config';
import { AlertRepository, type DueWindow, FeatureRepository, LockRepository, MetricSnapshotRepository, PublicationRepository, UnknownOutcomeRepository } from '@app/database';
import { collectMetricsJob, JobProducer, publishJob, type QueuedJob, QueueUnavailableError, reconcileJob } from '@app/queue';
import { OutboxRelayService } from './outbox-relay.service.js';
import { lateAlert, needsAttentionAlert, PublicationAlertKind, unknownOutcomeAlert } from './publication-alerts.js';

export interface ReconcileRun {
  /** False when Redis did not answer in time: the queue steps wait for the next run (the PostgreSQL ones ran). */
  readonly queueAvailable: boolean;
  readonly relayed: number;
  readonly leasesExpired: number;
  /** Features found out of step with their publications and re-derived (those of expired leases included). */
  readonly featuresRefreshed: number;
  readonly requeued: number;
  readonly checksQueued: number;
  /** Metric windows due with no result and no live job, queued again. */
  readonly metricsQueued: number;
  readonly late: number;
}

/** How far back the reconciler looks for publication changes whose feature was not refreshed. */
const STALE_FEATURE_LOOKBACK_MS = 86_400_000;

/** Metric windows looked at per run: a backlog (after a Redis flush) drains over a few runs. */
const METRIC_WINDOWS_PER_RUN = 500;

/** BullMQ job states in which the job will still run (or is running). */
const LIVE = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);

/**
 * The safety net under at-least-once delivery (DESIGN.md §4), one replica at a time: turns expired `publishing` leases
 * into `unknown` (never re-posted blindly) and alerts on what needs a human or is long past its slot (PostgreSQL only),
 * then relays outbox rows still waiting, queues the platform checks of `unknown` publications that are due, and queues
 * again any due publication or metric window whose job vanished (Redis lost or flushed, job removed) or ran out of tries. Re-queued jobs are harmless duplicates at worst: the claim in Postgres admits one.
 */
@Injectable()
export class ReconcilerService {
  private readonly logger = new Logger(ReconcilerService.name);
  /** Where the last run's look at metric windows stopped (this replica's; any replica's runs cover every window in turn). */
  private metricWindowsFrom: DueWindow | null = null;

  constructor(
    private readonly locks: LockRepository,
    private readonly publications: PublicationRepository,
    private readonly unknowns: UnknownOutcomeRepository,
    private readonly features: FeatureRepository,
    private readonly snapshots: MetricSnapshotRepository,
    private readonly relay: OutboxRelayService,
    private readonly jobs: JobProducer,
    private readonly alerts: AlertRepository,
    private readonly clock: Clock,
    @InjectSettings() private readonly settings: Settings,
  ) {}

  /** Null when another replica is reconciling right now. */
  tick(): Promise<ReconcileRun | null> {
    return this.locks.tryExclusive('publication-reconciler', () => this.run());
  }

  private async run(): Promise<ReconcileRun> {
    const now = this.clock.now();
    const { requeueAfterSeconds, lateAfterSeconds } = this.settings.publishing;
    // What needs only PostgreSQL first: while Redis is down every queue command waits for it, and staff must still
    // hear of dead attempts and late publications then.
    const expired = await this.publications.expireLeases(now, unknownOutcomeAlert);
    // Those features, and any a process left behind by dying between a publication's change and its feature's refresh
    // (looked for among the publications changed in the last day: the reconciler runs every minute).
    const staleFeatures = await this.features.withStaleStatus(new Date(now.getTime() - STALE_FEATURE_LOOKBACK_MS));
    for (const id of staleFeatures) await this.features.refreshStatus(id);
    // Safety net: whatever path led to a state that needs a human, staff hear of it.
    for (const p of await this.publications.awaitingHumanWithoutAlert(PublicationAlertKind)) {
      await this.alerts.raise(p.status === 'unknown' ? unknownOutcomeAlert(p) : needsAttentionAlert(p, p.lastError ?? 'alasan tidak tercatat'));
    }
    const late = await this.publications.lateSince(new Date(now.getTime() - lateAfterSeconds * 1000));
    for (const p of late) await this.alerts.raise(lateAlert(p));
    // After raising: a late alert raised from a read made just before the publication went out closes in this run.
    await this.alerts.resolveSettled();

    const database = { leasesExpired: expired.length, featuresRefreshed: staleFeatures.length, late: late.length };
    try {
      const run = { queueAvailable: true, ...database, ...(await this.queueSteps(now, requeueAfterSeconds)) };
      this.logger.debug(run, 'reconciler tick');
      return run;
    } catch (error) {
      // Redis is down: give the lock back so the next run (here or on another replica) does the PostgreSQL steps again.
      if (!(error instanceof QueueUnavailableError)) throw error;
      this.logger.warn({ ...database, err: error.message }, 'reconciler: queue unavailable; relaying and re-queuing wait for the next run');
      return { queueAvailable: false, ...database, relayed: 0, requeued: 0, checksQueued: 0, metricsQueued: 0 };
    }
  }

  private async queueSteps(now: Date, requeueAfterSeconds: number): Promise<{ relayed: number; checksQueued: number; requeued: number; metricsQueued: number }> {
    const relayed = await this.relay.relayPending();
    // Checks go through the queue (they call the platform); a check whose job is gone or ended is queued again.
    let checksQueued = 0;
    for (const p of await this.unknowns.due(now)) {
      if (await this.ensureJob(reconcileJob(p.platform, p.id, p.reconcileChecks, now), now)) checksQueued++;
    }

    // Usually only publications overdue by REQUEUE_AFTER are looked at (a due job may be about to start). After Redis
    // lost its memory, every waiting one: their delayed jobs went with it, and they are queued again for their slots.
    const memoryLost = !(await this.jobs.memoryMarked());
    let requeued = 0;
    for (const p of await this.publications.dueSince(memoryLost ? null : new Date(now.getTime() - requeueAfterSeconds * 1000))) {
      const runAt = p.dueAt.getTime() > now.getTime() ? p.dueAt : now;
      if (await this.ensureJob(publishJob(p.platform, p.id, p.version, p.attempts + 1, runAt), now)) requeued++;
    }
    // Only once all of them are queued again: a run that stops halfway leaves the next one the whole check.
    if (memoryLost) await this.jobs.markMemory(now);
    if (requeued > 0) this.logger.warn({ requeued }, 'due publications had no live job; queued again');

    // Reach numbers are collected weeks after the post: their jobs outlive many Redis restarts.
    let metricsQueued = 0;
    const dueBefore = new Date(now.getTime() - requeueAfterSeconds * 1000);
    const windows = await this.snapshots.windowsWithoutResult(this.settings.publishing.metricWindows, dueBefore, now, METRIC_WINDOWS_PER_RUN, this.metricWindowsFrom);
    for (const w of windows) {
      if (await this.ensureJob(collectMetricsJob(w.publicationId, w.window, now), now)) metricsQueued++;
    }
    // The next run looks further on (from the start again after a short page): windows whose jobs stay live, rate
    // limited for days, cannot keep the ones after them from being looked at.
    this.metricWindowsFrom = windows.length === METRIC_WINDOWS_PER_RUN ? windows[windows.length - 1] : null;
    if (metricsQueued > 0) this.logger.warn({ metricsQueued }, 'due metric windows had no result and no live job; queued again');
    return { relayed, checksQueued, requeued, metricsQueued };
  }

  /**
   * Adds the job unless it is waiting or running. Gone (Redis lost, job removed): added again. Still remembered as
   * completed or failed (it ended without moving the publication on): BullMQ would ignore its id, so the ended job is
   * forgotten first; the next run then sees it live under the same id instead of adding yet another. True when added.
   */
  private async ensureJob(job: QueuedJob, now: Date): Promise<boolean> {
    const state = await this.jobs.state(job.queue, job.jobId);
    if (LIVE.has(state)) return false;
    if (state !== 'unknown') await this.jobs.remove(job.queue, job.jobId);
    await this.jobs.add(job, now);
    return true;
  }
}
