import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '@app/config';
import { OutboxRepository } from '@app/database';
import { JobProducer, type QueuedJob, type QueueName, type JobName, type JobPayloads } from '@app/queue';

/** Moves committed outbox rows into BullMQ. Safe to run on every replica at once (rows are locked SKIP LOCKED). */
@Injectable()
export class OutboxRelayService {
  private readonly logger = new Logger(OutboxRelayService.name);

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly producer: JobProducer,
    private readonly clock: Clock,
  ) {}

  /** Relays until the outbox is empty; returns how many jobs were handed to BullMQ. */
  async relayPending(batchSize = 100): Promise<number> {
    let total = 0;
    for (;;) {
      const relayed = await this.outbox.relayBatch(batchSize, async (rows) => {
        const jobs = rows.map(
          (row): QueuedJob => ({
            queue: row.queue as QueueName,
            name: row.jobName as JobName,
            jobId: row.jobId,
            payload: row.payload as unknown as JobPayloads[JobName],
            runAt: row.runAt,
          }),
        );
        // BullMQ takes a delay, not an instant: the producer reads the clock right before each round trip. One
        // reading for a batch sent job by job made each job due later by the adds before it (up to ~1 s at start).
        await this.producer.addAll(jobs, () => this.clock.now());
      });
      total += relayed;
      if (relayed < batchSize) break;
    }
    if (total > 0) this.logger.log({ jobs: total }, 'outbox relayed');
    return total;
  }
}
