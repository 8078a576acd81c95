import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { Clock, PLATFORMS } from '@app/config';
import { ATTEMPT_OUTCOMES, PUBLICATION_STATUSES, PublishingStatsRepository } from '@app/database';
import { JobProducer, RedisProbe } from '@app/queue';

/**
 * The process's own runtime metrics, set up on the first scrape and kept: each collector holds observers (GC, event
 * loop) for the life of the process, so there is one per process, and none where nothing scrapes.
 */
let runtime: Registry | undefined;
function runtimeRegistry(): Registry {
  if (runtime === undefined) {
    runtime = new Registry();
    collectDefaultMetrics({ register: runtime, prefix: 'umkm_api_' });
  }
  return runtime;
}

/** A scrape must answer well inside Prometheus' 10 s timeout, also while Redis is down. */
const QUEUE_PROBE_MS = 1_000;

/**
 * Prometheus text for operators: how publishing stands, read at each scrape from PostgreSQL (the authority: every
 * replica tells the same, so aggregate with `max without (instance)`) and from BullMQ. Every platform × status and
 * platform × outcome series is present from the start (at 0), so a first duplicate shows as a change, not as a new
 * series. Alert on what a human must see: `delta(umkm_publish_attempts{outcome="duplicate"}[1h]) > 0` (a platform
 * refused a second copy: a near miss), `umkm_open_alerts`, `umkm_publication_overdue_seconds`,
 * `umkm_outbox_oldest_pending_seconds`, `umkm_queue_up == 0`.
 */
@Injectable()
export class PrometheusMetricsService {
  private readonly logger = new Logger(PrometheusMetricsService.name);

  constructor(
    private readonly stats: PublishingStatsRepository,
    private readonly jobs: JobProducer,
    private readonly redis: RedisProbe,
    private readonly clock: Clock,
  ) {}

  readonly contentType = Registry.PROMETHEUS_CONTENT_TYPE;

  /** A registry of its own per scrape: two scrapes at once never mix their numbers. */
  async render(): Promise<string> {
    const registry = new Registry();
    const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
    const stats = await this.stats.read(this.clock.now());

    const publications = gauge('umkm_publications', 'Publications by platform and status', ['platform', 'status']);
    for (const platform of PLATFORMS) for (const status of PUBLICATION_STATUSES) publications.set({ platform, status }, 0);
    for (const row of stats.publications) publications.set({ platform: row.platform, status: row.status }, row.count);
    // A gauge: an attempt's outcome can still change (an `unknown` one read `published` when its worker finishes late).
    const attempts = gauge('umkm_publish_attempts', 'Publish attempts by platform and how they ended so far', ['platform', 'outcome']);
    for (const platform of PLATFORMS) for (const outcome of ATTEMPT_OUTCOMES) attempts.set({ platform, outcome }, 0);
    for (const row of stats.attempts) attempts.set({ platform: row.platform, outcome: row.outcome }, row.count);
    const alerts = gauge('umkm_open_alerts', 'Alerts open for staff, by kind', ['kind']);
    for (const row of stats.openAlerts) alerts.set({ kind: row.kind }, row.count);
    const overdue = gauge('umkm_publication_overdue_seconds', 'How far past its slot the most overdue publication still waited for is, per platform', ['platform']);
    for (const platform of PLATFORMS) overdue.set({ platform }, stats.overdueSeconds.find((row) => row.platform === platform)?.seconds ?? 0);
    gauge('umkm_outbox_pending_rows', 'Outbox rows not yet handed to BullMQ').set(stats.outbox.pending);
    gauge('umkm_outbox_oldest_pending_seconds', 'How long the oldest outbox row not yet handed to BullMQ has waited').set(stats.outbox.oldestPendingSeconds);

    const queueUp = gauge('umkm_queue_up', '1 when Redis answered the job counts, 0 when it did not');
    try {
      // A probe that fails fast first: the queues' own connection would hold the commands until Redis returns.
      await this.redis.ping(QUEUE_PROBE_MS);
      const queued = gauge('umkm_queue_jobs', 'BullMQ jobs by queue and state', ['queue', 'state']);
      for (const row of await this.jobs.jobCounts()) queued.set({ queue: row.queue, state: row.state }, row.count);
      queueUp.set(1);
    } catch (error) {
      // Redis down: the database's numbers still tell what matters; the outbox keeps the jobs meanwhile.
      this.logger.warn({ err: (error as Error).message }, 'job counts unavailable for metrics');
      queueUp.set(0);
    }
    return Registry.merge([runtimeRegistry(), registry]).metrics();
  }
}
