import type { Platform } from '@app/config';

/** Queue names. Each platform has its own publish queue so one platform's backlog or outage does not block another. */
export const QueueName = {
  PublishInstagram: 'publish-instagram',
  PublishFacebook: 'publish-facebook',
  PublishX: 'publish-x',
  CollectMetrics: 'collect-metrics',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];
export const ALL_QUEUES: readonly QueueName[] = Object.values(QueueName);

export const PUBLISH_QUEUE: Readonly<Record<Platform, QueueName>> = {
  instagram: QueueName.PublishInstagram,
  facebook: QueueName.PublishFacebook,
  x: QueueName.PublishX,
};

export const JobName = {
  Publish: 'publish',
  /** Looks on the platform for the post of an `unknown` publication; runs on that platform's publish queue. */
  Reconcile: 'reconcile',
  CollectMetrics: 'collect-metrics',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

/**
 * Payloads are ids plus a version, never entities, tokens or bytes: handlers reload state from Postgres.
 * Never change a shipped payload in place; add a new `v`.
 */
export interface JobPayloads {
  [JobName.Publish]: { v: 1; publicationId: string; publicationVersion: number };
  [JobName.Reconcile]: { v: 1; publicationId: string; checks: number };
  [JobName.CollectMetrics]: { v: 1; publicationId: string; window: string };
}

/** A job as written to the outbox and relayed to BullMQ. */
export interface QueuedJob<N extends JobName = JobName> {
  readonly queue: QueueName;
  readonly name: N;
  /** Deterministic, so a relayed-twice outbox row or a re-added job collapses into one BullMQ job. */
  readonly jobId: string;
  readonly payload: JobPayloads[N];
  readonly runAt: Date;
}

export function publishJob(platform: Platform, publicationId: string, publicationVersion: number, attempt: number, runAt: Date): QueuedJob<'publish'> {
  return {
    queue: PUBLISH_QUEUE[platform],
    name: JobName.Publish,
    jobId: `publish-${publicationId}-v${publicationVersion}-a${attempt}`,
    payload: { v: 1, publicationId, publicationVersion },
    runAt,
  };
}

/** One id per check: the job of a check already made finds the count moved on and does nothing. */
export function reconcileJob(platform: Platform, publicationId: string, checks: number, runAt: Date): QueuedJob<'reconcile'> {
  return {
    queue: PUBLISH_QUEUE[platform],
    name: JobName.Reconcile,
    jobId: `reconcile-${publicationId}-c${checks}`,
    payload: { v: 1, publicationId, checks },
    runAt,
  };
}

export function collectMetricsJob(publicationId: string, window: string, runAt: Date): QueuedJob<'collect-metrics'> {
  return {
    queue: QueueName.CollectMetrics,
    name: JobName.CollectMetrics,
    jobId: `metrics-${publicationId}-${window}`,
    payload: { v: 1, publicationId, window },
    runAt,
  };
}
