import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { Clock } from '@app/config';
import { PublishingStatsRepository } from '@app/database';
import { JobProducer } from '@app/queue';

/**
 * Prometheus text for operators: how publishing stands, read at each scrape from PostgreSQL (the authority, so every
 * replica tells the same) and from BullMQ, next to this process's own runtime metrics. Alert on what a human must
 * see: `umkm_publish_attempts_total{outcome="duplicate"}` rising (a platform refused a second copy: a near miss),
 * `umkm_open_alerts`, `umkm_publication_overdue_seconds`, `umkm_outbox_oldest_due_seconds`, `umkm_queue_up == 0`.
 */
@Injectable()
export class PrometheusMetricsService {
  private readonly logger = new Logger(PrometheusMetricsService.name);
  private readonly runtime = new Registry();

  constructor(
    private readonly stats: PublishingStatsRepository,
    private readonly jobs: JobProducer,
    private readonly clock: Clock,
  ) {
    collectDefaultMetrics({ register: this.runtime, prefix: 'umkm_api_' });
  }

  get contentType(): string {
    return this.runtime.contentType;
  }

  /** A registry of its own per scrape: two scrapes at once never mix their numbers. */
  async render(): Promise<string> {
    const registry = new Registry();
    const registers = [registry];
    const stats = await this.stats.read(this.clock.now());

    const publications = new Gauge({ name: 'umkm_publications', help: 'Publications by platform and status', labelNames: ['platform', 'status'], registers });
    for (const row of stats.publications) publications.set({ platform: row.platform, status: row.status }, row.count);
    const attempts = new Counter({ name: 'umkm_publish_attempts_total', help: 'Publish attempts ever made, by platform and how they ended', labelNames: ['platform', 'outcome'], registers });
    for (const row of stats.attempts) attempts.inc({ platform: row.platform, outcome: row.outcome }, row.count);
    const alerts = new Gauge({ name: 'umkm_open_alerts', help: 'Alerts open for staff, by kind', labelNames: ['kind'], registers });
    for (const row of stats.openAlerts) alerts.set({ kind: row.kind }, row.count);
    const overdue = new Gauge({ name: 'umkm_publication_overdue_seconds', help: 'How far past its slot the most overdue publication not yet out is, per platform', labelNames: ['platform'], registers });
    for (const row of stats.overdueSeconds) overdue.set({ platform: row.platform }, row.seconds);
    new Gauge({ name: 'umkm_outbox_due_rows', help: 'Outbox rows due and not yet handed to BullMQ', registers }).set(stats.outbox.due);
    new Gauge({ name: 'umkm_outbox_oldest_due_seconds', help: 'How long the oldest due outbox row has waited', registers }).set(stats.outbox.oldestDueSeconds);

    const queueUp = new Gauge({ name: 'umkm_queue_up', help: '1 when Redis answered the job counts, 0 when it did not', registers });
    try {
      const counts = await this.jobs.jobCounts();
      const queued = new Gauge({ name: 'umkm_queue_jobs', help: 'BullMQ jobs by queue and state', labelNames: ['queue', 'state'], registers });
      for (const row of counts) queued.set({ queue: row.queue, state: row.state }, row.count);
      queueUp.set(1);
    } catch (error) {
      // Redis down: the database's numbers still tell what matters; the outbox keeps the jobs meanwhile.
      this.logger.warn({ err: (error as Error).message }, 'job counts unavailable for metrics');
      queueUp.set(0);
    }
    return Registry.merge([this.runtime, registry]).metrics();
  }
}
