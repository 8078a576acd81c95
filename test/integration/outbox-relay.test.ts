import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { OutboxRepository } from '@app/database';
import { OutboxRelayService, toOutboxRow } from '@app/domain';
import { collectMetricsJob, JobProducer, publishJob, type QueuedJob } from '@app/queue';
import { startTestApi, type TestApi } from '../support/test-api.js';

/** The relay hands committed outbox rows to BullMQ in bulk: every job due when its row says, none twice. */
describe('outbox relay', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi({ PLAN_INTERVAL: '1h' });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('relays rows of several queues, each job due at its row run_at however large the batch, and relaying again adds nothing', async () => {
    const now = Date.now();
    const jobs: QueuedJob[] = [
      // Three queues, due in the future and already due.
      ...Array.from({ length: 120 }, (_, i) => collectMetricsJob(randomUUID(), '1h', new Date(now + 60_000 + i))),
      ...Array.from({ length: 100 }, (_, i) => publishJob('instagram', randomUUID(), 1, 1, new Date(now + 30_000 + i * 7))),
      ...Array.from({ length: 30 }, () => publishJob('facebook', randomUUID(), 1, 1, new Date(now - 5_000))),
    ];
    await t.api.get(DataSource).transaction((manager) => t.api.get(OutboxRepository).append(manager, jobs.map(toOutboxRow)));

    const relay = t.api.get(OutboxRelayService);
    // One batch of 250: sent job by job after one clock reading, the last ones were due ~50 ms late here.
    expect(await relay.relayPending(1_000)).toBe(jobs.length);
    expect(await t.api.get(OutboxRepository).countPending()).toBe(0);

    const producer = t.api.get(JobProducer);
    const queued = await Promise.all(jobs.map((job) => producer.queue(job.queue).getJob(job.jobId)));
    const mistimed: string[] = [];
    for (const [i, job] of jobs.entries()) {
      const inQueue = queued[i];
      expect(inQueue?.name).toBe(job.name);
      expect(inQueue?.data).toEqual(job.payload);
      const due = inQueue!.timestamp + (inQueue!.delay ?? 0);
      const wanted = Math.max(job.runAt.getTime(), inQueue!.timestamp);
      // BullMQ takes a delay from the add's own clock reading: a job is late only by the round trip it went in.
      if (Math.abs(due - wanted) > 25) mistimed.push(`${job.jobId}: due ${due - job.runAt.getTime()} ms off`);
    }
    expect(mistimed).toEqual([]);
    expect(queued.filter((job) => (job?.delay ?? 0) === 0)).toHaveLength(30);

    const counts = async () => Promise.all([...new Set(jobs.map((j) => j.queue))].map((name) => producer.queue(name).getJobCountByTypes('delayed', 'wait', 'prioritized')));
    const before = await counts();
    // A relay that crashed after BullMQ took the jobs but before marking the rows sends them again, here in batches
    // of 100: same job ids, nothing added.
    await t.db.query(`UPDATE outbox SET relayed_at = NULL`);
    expect(await relay.relayPending(100)).toBe(jobs.length);
    expect(await counts()).toEqual(before);
    expect(before.reduce((a, b) => a + b, 0)).toBe(jobs.length);
  });
});
