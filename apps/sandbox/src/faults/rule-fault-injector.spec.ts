import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type SandboxHandle, startSandbox } from '../sandbox-server.js';

/** The injector behind the real express app, over raw HTTP: counting, order, and what the route stored. */
describe('RuleFaultInjector', () => {
  let sandbox: SandboxHandle;
  const token = 'x-spec-token';

  const call = (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${sandbox.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const tweet = (text: string): Promise<Response> => call('POST', '/2/tweets', { text });
  const inject = async (rule: object): Promise<void> => {
    expect((await call('POST', '/__sandbox/faults', rule)).status).toBe(201);
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, host: '127.0.0.1' });
  });

  beforeEach(async () => {
    await call('POST', '/__sandbox/reset');
    await call('POST', '/__sandbox/accounts', { platform: 'x', id: '42', token });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it('fails the next N matching requests in creation order, then lets them through', async () => {
    await inject({ platform: 'x', endpoint: 'x.create_tweet', fault: 'duplicate', times: 2 });
    await inject({ platform: 'x', endpoint: 'any', fault: 'error_before' });
    expect((await call('GET', '/2/users/me')).status).toBe(503); // not a tweet: only the `any` rule matches
    expect([(await tweet('a')).status, (await tweet('b')).status, (await tweet('c')).status]).toEqual([403, 403, 201]);
    expect(sandbox.context.state.listPosts().map((p) => p.text)).toEqual(['c']);
    expect(await (await call('GET', '/__sandbox/faults')).json()).toEqual({ faults: [] });
  });

  it('error_after stores the post and answers a Problem JSON 503', async () => {
    await inject({ platform: 'x', endpoint: 'x.create_tweet', fault: 'error_after' });
    const res = await tweet('kept');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ title: 'Service Unavailable', status: 503 });
    expect(sandbox.context.state.listPosts().map((p) => p.text)).toEqual(['kept']);
  });

  it('timeout_after with delayMs 0 stores the post and resets the connection', async () => {
    await inject({ platform: 'x', endpoint: 'x.create_tweet', fault: 'timeout_after', delayMs: 0 });
    await expect(tweet('dropped')).rejects.toThrow();
    expect(sandbox.context.state.listPosts().map((p) => p.text)).toEqual(['dropped']);
  });

  it('timeout_before with delayMs 0 resets the connection and stores nothing', async () => {
    await inject({ platform: 'x', endpoint: 'x.create_tweet', fault: 'timeout_before', delayMs: 0 });
    await expect(tweet('never stored')).rejects.toThrow();
    expect(sandbox.context.state.listPosts()).toEqual([]);
  });

  it('usage_capped answers the monthly usage cap without rate-limit headers and stores nothing', async () => {
    await inject({ platform: 'x', endpoint: 'x.create_tweet', fault: 'usage_capped' });
    const res = await tweet('capped');
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('x-rate-limit-reset')).toBeNull();
    expect(await res.json()).toEqual({
      title: 'UsageCapExceeded',
      detail: 'Usage cap exceeded: Monthly product cap',
      type: 'https://api.twitter.com/2/problems/usage-capped',
      period: 'Monthly',
      scope: 'Product',
    });
    expect(sandbox.context.state.listPosts()).toEqual([]);
  });

  it('never touches the control API or requests of other platforms', async () => {
    await inject({ platform: 'instagram', endpoint: 'any', fault: 'error_before' });
    expect((await tweet('fine')).status).toBe(201);
    expect((await call('GET', '/__sandbox/faults')).status).toBe(200);
    expect((await call('DELETE', '/__sandbox/faults/fault-unknown')).status).toBe(404);
  });
});
