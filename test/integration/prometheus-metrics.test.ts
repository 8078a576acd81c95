import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { PublishService } from '@app/domain';
import { insertDuePublication } from '../support/publications.js';
import { startTestApi, type TestApi } from '../support/test-api.js';

/** GET /api/metrics: how publishing stands, as Prometheus reads it, from the database and BullMQ. */
describe('Prometheus metrics', () => {
  let t: TestApi;

  beforeAll(async () => {
    t = await startTestApi({ PLAN_INTERVAL: '1h' });
  });

  afterAll(async () => {
    await t?.close();
  });

  const scrape = async (): Promise<Map<string, number>> => {
    const response = await request(t.api.getHttpServer()).get('/api/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    const samples = new Map<string, number>();
    for (const line of response.text.split('\n')) {
      const match = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
      if (match) samples.set(match[1], Number(match[2]));
    }
    return samples;
  };

  it('counts publications, attempts by outcome, open alerts, what is overdue and the queues, without a login', async () => {
    const publish = (id: string) => t.api.get(PublishService).publish({ v: 1, publicationId: id, publicationVersion: 1 });
    const due = async (platform: 'instagram' | 'facebook', week: string, image?: { width: number; height: number }) => {
      const account = `metrics-${platform}-${week}`;
      return insertDuePublication(t, platform, { accountExternalId: account, tokens: { sandbox: `token-${account}`, stored: `token-${account}` }, isoWeek: week, image });
    };
    const published = await due('instagram', '2034-W01');
    await publish(published.id);
    // Instagram refuses the 3:1 image: failed for good, with an alert.
    const refused = await due('instagram', '2034-W02', { width: 3000, height: 1000 });
    await publish(refused.id);
    const waiting = await due('facebook', '2034-W03');
    await t.db.query(`UPDATE publication SET scheduled_at = now() - interval '1 hour' WHERE id = $1`, [waiting.id]);

    const samples = await scrape();
    const exact = {
      'umkm_publications{platform="instagram",status="published"}': 1,
      'umkm_publications{platform="instagram",status="failed"}': 1,
      'umkm_publications{platform="facebook",status="scheduled"}': 1,
      'umkm_publish_attempts{platform="instagram",outcome="published"}': 1,
      'umkm_publish_attempts{platform="instagram",outcome="failed"}': 1,
      // Present before the first one, so that the first near miss shows as a change.
      'umkm_publish_attempts{platform="x",outcome="duplicate"}': 0,
      'umkm_publications{platform="x",status="needs_attention"}': 0,
      'umkm_open_alerts{kind="publication_failed"}': 1,
      'umkm_publication_overdue_seconds{platform="instagram"}': 0,
      'umkm_queue_up': 1,
      'umkm_queue_jobs{queue="publish-instagram",state="waiting"}': 0,
    };
    expect(Object.fromEntries(Object.keys(exact).map((name) => [name, samples.get(name)]))).toEqual(exact);
    expect(samples.get('umkm_publication_overdue_seconds{platform="facebook"}')).toBeGreaterThanOrEqual(3_600);
    expect(samples.get('umkm_api_process_cpu_user_seconds_total')).toBeGreaterThan(0);

    // The next scrape tells the same, not twice as much: numbers are read, not accumulated.
    expect((await scrape()).get('umkm_publish_attempts{platform="instagram",outcome="published"}')).toBe(1);
  });
});
