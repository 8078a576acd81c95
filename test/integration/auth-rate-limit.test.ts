import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { AuthService } from '@app/domain';
import { createApi } from '../../apps/api/src/create-api.js';
import { freePort } from '../support/test-env.js';
import { startTestApi, type TestApi } from '../support/test-api.js';

/**
 * The guard counts in fixed one-minute windows (wall clock, UTC minutes). A burst that straddled a minute boundary
 * would be counted in two windows and the limit would seem not to apply, so every burst first makes sure at least
 * BURST_ROOM_MS are left in the current minute, waiting for the next one if not. The bursts here take well under a
 * second (argon2 is the slow part); 5 s leaves plenty of margin.
 */
const BURST_ROOM_MS = 5_000;
async function roomForBurst(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < BURST_ROOM_MS) await sleep(left + 100);
}

/** Whole seconds until the current window ends, as the server computes Retry-After. */
const secondsLeftInWindow = (): number => 60 - (Math.floor(Date.now() / 1000) % 60);

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
}

const login = (server: App, email: string, password: string) => request(server).post('/api/auth/login').send({ email, password });

/** A 429 from the rate limit: the error shape, and a Retry-After that points at the end of the current window. */
function expectThrottled(res: request.Response): void {
  expect(res.status).toBe(429);
  expect(res.body).toEqual({ statusCode: 429, code: 'too_many_requests', message: expect.stringMatching(/^Too many attempts/) });
  const retryAfter = String(res.headers['retry-after']);
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(retryAfter)).toBeLessThanOrEqual(60);
  expect(Math.abs(Number(retryAfter) - secondsLeftInWindow())).toBeLessThanOrEqual(1);
}

describe('rate limits on login and registration', () => {
  let t: TestApi;
  let server: App;
  const email = 'staf@rate-limit.contoh.id';
  const password = 'kata-sandi-staf-1';

  beforeAll(async () => {
    t = await startTestApi({ THROTTLE_LOGIN_PER_MINUTE: '3', THROTTLE_REGISTER_PER_MINUTE: '2' });
    server = t.api.getHttpServer() as App;
    await t.api.get(AuthService).createUser(email, password, 'staff');
  });

  afterAll(async () => {
    await t?.close();
  });

  it('refuses the 4th login of a minute from one client, even with the right password, without telling who is registered', async () => {
    await roomForBurst();
    const unknownEmail = await login(server, 'tidak-terdaftar@rate-limit.contoh.id', password);
    const wrongPassword = await login(server, email, 'kata-sandi-salah-1');
    const third = await login(server, email, 'kata-sandi-salah-2');
    for (const res of [unknownEmail, wrongPassword, third]) expect([res.status, (res.body as ErrorBody).code]).toEqual([401, 'invalid_credentials']);
    // No email enumeration: an unknown email and a wrong password get the same answer.
    expect(unknownEmail.body).toEqual(wrongPassword.body);
    expect(unknownEmail.headers['retry-after']).toBeUndefined();

    expectThrottled(await login(server, email, 'kata-sandi-salah-3'));
    // The limit is per client, not per failure: the right password is refused too for the rest of the window ...
    expectThrottled(await login(server, email, password));
    expectThrottled(await login(server, 'tidak-terdaftar@rate-limit.contoh.id', password));
    // ... and it really is the right one (checked past the HTTP layer, which would refuse it now).
    await expect(t.api.get(AuthService).verifyLogin(email, password)).resolves.toMatchObject({ email });
  });

  it('refuses the 3rd registration of a minute from one client and creates nothing for it', async () => {
    await roomForBurst();
    const register = (n: number) => request(server).post('/api/auth/register').send({ email: `pemilik-${n}@rate-limit.contoh.id`, password: 'kata-sandi-pemilik' });
    await register(1).expect(201);
    await register(2).expect(201);
    expectThrottled(await register(3));
    const rows = (await t.db.query(`SELECT email FROM app_user WHERE email LIKE 'pemilik-%' ORDER BY email`)) as Array<{ email: string }>;
    expect(rows.map((r) => r.email)).toEqual(['pemilik-1@rate-limit.contoh.id', 'pemilik-2@rate-limit.contoh.id']);
  });
});

describe('rate limits across API replicas', () => {
  let t: TestApi;
  let replica: INestApplication | undefined;
  let a: App;
  let b: App;
  const email = 'staf@replica.contoh.id';

  beforeAll(async () => {
    // One environment (database, Redis and queue prefix) served by two API apps, as two replicas would be.
    t = await startTestApi({ THROTTLE_LOGIN_PER_MINUTE: '3' });
    replica = await createApi(t.env.settings, { bufferLogs: false });
    // Same address as the first app, so both see the client as 127.0.0.1.
    await replica.listen(await freePort(), '127.0.0.1');
    a = t.api.getHttpServer() as App;
    b = replica.getHttpServer() as App;
    await t.api.get(AuthService).createUser(email, 'kata-sandi-staf-1', 'staff');
  });

  afterAll(async () => {
    await replica?.close();
    await t?.close();
  });

  it('adds up the attempts a client makes on each replica', async () => {
    await roomForBurst();
    // A, B, A: no replica has seen more than two attempts, but the client has made three.
    for (const server of [a, b, a]) await login(server, email, 'kata-sandi-salah').expect(401);
    expectThrottled(await login(b, email, 'kata-sandi-salah'));
    expectThrottled(await login(a, email, 'kata-sandi-staf-1'));
  });
});
