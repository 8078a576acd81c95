import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { Clock } from '@app/config';
import { AlertRepository, PublicationRepository } from '@app/database';
import { PublishService, ReconcilerService, UnknownOutcomeService } from '@app/domain';
import { PlatformClientRegistry } from '@app/platforms';
import { insertDuePublication } from '../support/publications.js';
import { startTestApi, type TestApi } from '../support/test-api.js';

/**
 * The lease fences the platform write: an attempt whose lease ran out before its write (a worker stalled, a container
 * that took long to process) has been taken for dead by the reconciler, whose platform check may already have
 * cleared a new attempt, so it must stop without posting.
 */
describe('publish lease', () => {
  let t: TestApi;
  const LEASE_MS = 2_000;

  beforeAll(async () => {
    // Instagram answers IN_PROGRESS for about 3 s of polls, longer than the lease.
    t = await startTestApi({ PUBLISH_LEASE: `${LEASE_MS / 1000}s`, PLATFORM_TIMEOUT_MS: '1000', INSTAGRAM_CONTAINER_POLL_MS: '300' }, { containerPollsUntilReady: 10 });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('does not publish once its lease has run out and the reconciler has taken the publication over', async () => {
    const externalId = `${Date.now()}1`;
    const { id } = await insertDuePublication(t, 'instagram', { accountExternalId: externalId, tokens: { stored: 'token-lease-1234', sandbox: 'token-lease-1234' }, isoWeek: '2032-W01' });
    const publications = t.api.get(PublicationRepository);

    const attempt = t.api.get(PublishService).publish({ v: 1, publicationId: id, publicationVersion: 1 });
    // While the container is processing, the lease ends and a reconciler tick finds it.
    await sleep(LEASE_MS + 300);
    expect((await publications.findById(id))!.status).toBe('publishing');
    expect((await t.api.get(ReconcilerService).tick())?.leasesExpired).toBe(1);
    await attempt;

    expect(await t.sandbox.posts('instagram', externalId)).toEqual([]);
    // The reconciler's verdict stands: the stalled attempt wrote nothing over it.
    const publication = (await publications.findById(id))!;
    expect(publication.status).toBe('unknown');
    const [row] = (await t.db.query(`SELECT outcome FROM publish_attempt WHERE publication_id = $1`, [id])) as Array<{ outcome: string }>;
    expect(row.outcome).toBe('unknown');
  }, 20_000);

  it('records a post the platform confirmed after its lease ran out, instead of leaving it to a search that could miss it', async () => {
    const externalId = `${Date.now()}2`;
    const { id } = await insertDuePublication(t, 'facebook', { accountExternalId: externalId, tokens: { stored: 'token-lease-2345', sandbox: 'token-lease-2345' }, isoWeek: '2032-W02' });
    const client = t.api.get(PlatformClientRegistry).get('facebook');
    const post = client.publish.bind(client);
    // The post goes out, then the worker stalls past its lease before recording it, and a reconciler tick finds it.
    const stalled = jest.spyOn(client, 'publish').mockImplementation(async (request) => {
      const posted = await post(request);
      await sleep(LEASE_MS + 300);
      expect((await t.api.get(ReconcilerService).tick())?.leasesExpired).toBe(1);
      return posted;
    });
    try {
      await t.api.get(PublishService).publish({ v: 1, publicationId: id, publicationVersion: 1 });
    } finally {
      stalled.mockRestore();
    }

    const [posted] = await t.sandbox.posts('facebook', externalId);
    expect(await t.api.get(PublicationRepository).findById(id)).toMatchObject({ status: 'published', externalId: posted.id, leaseExpiresAt: null });
    const [row] = (await t.db.query(`SELECT outcome FROM publish_attempt WHERE publication_id = $1`, [id])) as Array<{ outcome: string }>;
    expect(row.outcome).toBe('published');
    expect((await t.api.get(AlertRepository).listOpen()).filter((a) => a.publicationId === id)).toEqual([]);
    const trail = (await t.db.query(`SELECT action, before, after FROM audit_event WHERE entity_id = $1`, [id])) as unknown[];
    expect(trail).toEqual([{ action: 'publication.published_after_lease', before: { status: 'unknown' }, after: { status: 'published', externalId: posted.id } }]);
    // The check the expired lease queued finds nothing left to do.
    await t.api.get(UnknownOutcomeService).reconcile({ v: 1, publicationId: id, checks: 0 });
    expect((await t.api.get(PublicationRepository).findById(id))!.status).toBe('published');
    expect(await t.sandbox.posts('facebook', externalId)).toHaveLength(1);
  }, 20_000);
});

/** With the production lease (PUBLISH_LEASE 5m): when a write renews the lease first, and when it goes ahead on it. */
describe('publish lease renewal', () => {
  let t: TestApi;
  let week = 10;

  beforeAll(async () => {
    t = await startTestApi({ PUBLISH_LEASE: '5m' });
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  afterAll(async () => {
    await t?.close();
  });

  async function due() {
    const externalId = `${Date.now()}${week}`;
    const token = `token-renew-${week}-123456`;
    const { id } = await insertDuePublication(t, 'facebook', { accountExternalId: externalId, tokens: { stored: token, sandbox: token }, isoWeek: `2032-W${week++}` });
    return { id, externalId };
  }

  it('goes ahead on the claim\'s lease for a write right after the claim: no renewal round trip', async () => {
    const { id, externalId } = await due();
    const renewals = jest.spyOn(t.api.get(PublicationRepository), 'renewLease');
    await t.api.get(PublishService).publish({ v: 1, publicationId: id, publicationVersion: 1 });
    expect(renewals).not.toHaveBeenCalled();
    expect((await t.api.get(PublicationRepository).findById(id))!.status).toBe('published');
    expect(await t.sandbox.posts('facebook', externalId)).toHaveLength(1);
  });

  it('renews the lease before a write that comes more than a minute after the claim', async () => {
    const { id, externalId } = await due();
    const renewals = jest.spyOn(t.api.get(PublicationRepository), 'renewLease');
    // The claim reads the clock first; every later reading is two minutes on (a slow token renewal, say).
    const clock = t.api.get(Clock);
    const start = Date.now();
    let readings = 0;
    jest.spyOn(clock, 'now').mockImplementation(() => new Date(start + (readings++ === 0 ? 0 : 120_000)));
    await t.api.get(PublishService).publish({ v: 1, publicationId: id, publicationVersion: 1 });
    expect(renewals).toHaveBeenCalledTimes(1);
    expect(await renewals.mock.results[0].value).toBe(true);
    expect((await t.api.get(PublicationRepository).findById(id))!.status).toBe('published');
    expect(await t.sandbox.posts('facebook', externalId)).toHaveLength(1);
  });
});
