import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { JobState, JobsOptions, Queue } from 'bullmq';
import { InjectSettings, type Settings } from '@app/config';
import { QueueName, type QueuedJob } from './jobs.js';

/** Redis did not answer a queue command in time (QUEUE_COMMAND_TIMEOUT_MS): it is probably down. */
export class QueueUnavailableError extends Error {
  constructor(what: string, timeoutMs: number) {
    super(`${what}: no answer from Redis within ${timeoutMs} ms`);
    this.name = 'QueueUnavailableError';
  }
}

/** The single place that adds jobs to BullMQ. Callers go through the outbox; the relay calls this. */
@Injectable()
export class JobProducer {
  private readonly logger = new Logger(JobProducer.name);
  private readonly queues: ReadonlyMap<QueueName, Queue>;

  constructor(
    @InjectQueue(QueueName.PublishInstagram) instagram: Queue,
    @InjectQueue(QueueName.PublishFacebook) facebook: Queue,
    @InjectQueue(QueueName.PublishX) x: Queue,
    @InjectQueue(QueueName.CollectMetrics) metrics: Queue,
    @InjectSettings() private readonly settings: Settings,
  ) {
    this.queues = new Map([
      [QueueName.PublishInstagram, instagram],
      [QueueName.PublishFacebook, facebook],
      [QueueName.PublishX, x],
      [QueueName.CollectMetrics, metrics],
    ]);
    // Redis outages surface here as errors; log them (BullMQ would console.error) — the outbox keeps the jobs.
    for (const queue of this.queues.values()) queue.on('error', (error) => this.logger.warn({ err: error.message }, `queue ${queue.name}: Redis error`));
  }

  queue(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`Unknown queue ${name}`);
    return queue;
  }

  async add(job: QueuedJob, now: Date): Promise<void> {
    await this.inTime(`adding ${job.jobId}`, this.queue(job.queue).add(job.name, job.payload, jobOptions(job, now)));
  }

  /**
   * Whether Redis still holds the marker `markMemory` left: a restart without persistence or a flush removes it, and
   * every job Redis held, due or not, with it. Absent too before the very first mark.
   */
  async memoryMarked(): Promise<boolean> {
    return (await this.inTime('reading the queue marker', (await this.redis()).get(this.markerKey()))) !== null;
  }

  /** Leaves the marker; set once what Redis lost has been queued again. */
  async markMemory(now: Date): Promise<void> {
    await this.inTime('writing the queue marker', (await this.redis()).set(this.markerKey(), now.toISOString()));
  }

  private markerKey(): string {
    return `${this.settings.redis.queuePrefix}:memory-marker`;
  }

  private redis() {
    return this.inTime('connecting', this.queue(QueueName.PublishInstagram).getBackend().client);
  }

  /** Jobs per queue and state, as BullMQ counts them (for the operators' metrics). */
  async jobCounts(): Promise<Array<{ queue: QueueName; state: string; count: number }>> {
    const states = ['waiting', 'prioritized', 'delayed', 'active', 'failed'] as const;
    const perQueue = await Promise.all(
      [...this.queues].map(async ([name, queue]) => {
        const counts = await this.inTime(`counting the jobs of ${name}`, queue.getJobCounts(...states));
        return states.map((state) => ({ queue: name, state, count: counts[state] ?? 0 }));
      }),
    );
    return perQueue.flat();
  }

  /** Forgets an ended job (completed or failed), so its id can be added again. */
  async remove(queue: QueueName, jobId: string): Promise<void> {
    await this.inTime(`removing ${jobId}`, this.queue(queue).remove(jobId));
  }

  /** The job's BullMQ state ('unknown' when Redis does not have it). */
  state(queue: QueueName, jobId: string): Promise<JobState | 'unknown'> {
    return this.inTime(`reading ${jobId}`, this.queue(queue).getJobState(jobId));
  }

  /**
   * Adds many jobs with one round trip per queue (BullMQ's addBulk is one MULTI). Each delay is measured right before
   * its queue's round trip, so a job is due when its `runAt` says, however many jobs go with it.
   */
  async addAll(jobs: readonly QueuedJob[], now: () => Date): Promise<void> {
    const byQueue = new Map<QueueName, QueuedJob[]>();
    for (const job of jobs) {
      const queued = byQueue.get(job.queue);
      if (queued) queued.push(job);
      else byQueue.set(job.queue, [job]);
    }
    for (const [name, queued] of byQueue) {
      const at = now();
      await this.inTime(`adding ${queued.length} jobs`, this.queue(name).addBulk(queued.map((job) => ({ name: job.name, data: job.payload, opts: jobOptions(job, at) }))));
    }
  }

  /**
   * While Redis is down ioredis keeps commands until it is back, and a caller waiting on one would hold its locks
   * (the relay's outbox rows, the reconciler's advisory lock) for the whole outage. Past the deadline the caller gets
   * an error and tries again on its next run. The abandoned command may still run when Redis returns: every job id is
   * deterministic, so a second add of it is ignored, and the claim in Postgres fences whatever runs.
   */
  private inTime<T>(what: string, command: Promise<T>): Promise<T> {
    const timeoutMs = this.settings.redis.commandTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QueueUnavailableError(what, timeoutMs)), timeoutMs);
    });
    command.catch(() => undefined); // a late failure after the deadline has nobody to tell
    return Promise.race([command, deadline]).finally(() => clearTimeout(timer));
  }
}

function jobOptions(job: QueuedJob, now: Date): JobsOptions {
  return {
    jobId: job.jobId,
    delay: Math.max(0, job.runAt.getTime() - now.getTime()),
    // Publish jobs are fenced in Postgres; BullMQ retries only cover crashes before the fence.
    attempts: job.name === 'collect-metrics' ? 8 : 3,
    // Metrics ride out a platform outage of about two hours (1 min doubling, 8 tries) before a window is recorded as
    // failed; a publish job's tries only cover a crash before the fence, so they come quickly.
    backoff: { type: 'exponential', delay: job.name === 'collect-metrics' ? 60_000 : 5_000 },
    removeOnComplete: { age: 7 * 86_400 },
    removeOnFail: { age: 30 * 86_400 },
  };
}
