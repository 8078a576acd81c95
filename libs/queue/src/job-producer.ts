import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { QueueName, type QueuedJob } from './jobs.js';

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
    await this.queue(job.queue).add(job.name, job.payload, jobOptions(job, now));
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
      await this.queue(name).addBulk(queued.map((job) => ({ name: job.name, data: job.payload, opts: jobOptions(job, at) })));
    }
  }
}

function jobOptions(job: QueuedJob, now: Date): JobsOptions {
  return {
    jobId: job.jobId,
    delay: Math.max(0, job.runAt.getTime() - now.getTime()),
    // Publish jobs are fenced in Postgres; BullMQ retries only cover crashes before the fence.
    attempts: job.name === 'collect-metrics' ? 8 : 3,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: { age: 7 * 86_400 },
    removeOnFail: { age: 30 * 86_400 },
  };
}
