import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import type { App } from 'supertest/types.js';

/** A tiny client over the real HTTP server; every call goes through routing, guards, pipes and filters. */
export class ApiClient {
  constructor(
    private readonly server: App,
    private readonly token?: string,
  ) {}

  as(token: string): ApiClient {
    return new ApiClient(this.server, token);
  }

  private auth(req: request.Test): request.Test {
    return this.token ? req.set('authorization', `Bearer ${this.token}`) : req;
  }

  get(path: string): request.Test {
    return this.auth(request(this.server).get(path));
  }

  post(path: string, body?: object): request.Test {
    const req = this.auth(request(this.server).post(path));
    return body ? req.send(body) : req;
  }

  patch(path: string, body: object): request.Test {
    return this.auth(request(this.server).patch(path)).send(body);
  }

  delete(path: string): request.Test {
    return this.auth(request(this.server).delete(path));
  }

  async login(email: string, password: string): Promise<string> {
    const res = await request(this.server).post('/api/auth/login').send({ email, password }).expect(200);
    return (res.body as { accessToken: string }).accessToken;
  }
}

export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await sleep(everyMs);
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
