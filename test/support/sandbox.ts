import type { Platform } from '@app/config';
import { type SandboxHandle, type SandboxOptions, startSandbox } from '../../apps/sandbox/src/sandbox-server.js';

/** A post as GET /__sandbox/posts lists it. */
export interface SandboxPostView {
  platform: Platform;
  accountId: string;
  id: string;
  text: string;
  imageUrl?: string;
  imageBytes: number;
  createdAt: string;
}

/** A running sandbox, driven through its control API (in this process or another). */
export interface SandboxControl {
  /** Origin: Graph at `${url}/v25.0`, X at `${url}` (X_API_BASE_URL), control at `${url}/__sandbox`. */
  readonly url: string;
  close(): Promise<void>;
  /** `tokenExpiresAt` ISO 8601; `refreshToken` (x only) also makes the token expire two hours after registration. */
  registerAccount(platform: Platform, id: string, token: string, extra?: { username?: string; followers?: number; tokenExpiresAt?: string; refreshToken?: string }): Promise<void>;
  /** Oldest first; optionally only one account's. */
  posts(platform?: Platform, accountId?: string): Promise<SandboxPostView[]>;
  reset(): Promise<void>;
  /** Adds a fault rule (POST /__sandbox/faults: platform, endpoint, fault, times, account…). */
  fault(rule: Record<string, unknown>): Promise<void>;
  /** Removes every fault rule. */
  clearFaults(): Promise<void>;
  /** The account's token expires now: Graph then answers 190/463, X a 401. */
  expireToken(platform: Platform, accountId: string): Promise<void>;
  /** Instagram's 24 h publishing quota as if another app had just used `used` of it. */
  setInstagramQuotaUsage(accountId: string, used: number): Promise<void>;
  /** Double posts from the platform's point of view (GET /__sandbox/duplicates). */
  duplicates(): Promise<SandboxDuplicate[]>;
}

/** A text one account carries more than once, as GET /__sandbox/duplicates lists it. */
export interface SandboxDuplicate {
  platform: Platform;
  accountId: string;
  text: string;
  count: number;
  postIds: string[];
}

export interface TestSandbox extends SandboxControl {
  /** The in-process state, for tests that must age posts or look deeper than the control API shows. */
  readonly handle: SandboxHandle;
}

/** The platform sandbox in this process on a free port of 127.0.0.1, driven through its real control API. */
export type TestSandboxOptions = Omit<SandboxOptions, 'port' | 'host'>;

export async function startTestSandbox(options: TestSandboxOptions = {}): Promise<TestSandbox> {
  const handle = await startSandbox({ ...options, port: 0, host: '127.0.0.1' });
  return { ...sandboxControl(handle.url, () => handle.close()), handle };
}

/** The control API of the sandbox at `url`; `close` stops it. */
export function sandboxControl(url: string, close: () => Promise<void>): SandboxControl {
  const control = async (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${url}/__sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const payload: unknown = await response.json();
    if (!response.ok) throw new Error(`sandbox ${method} ${path} answered ${response.status}: ${JSON.stringify(payload)}`);
    return payload;
  };
  return {
    url,
    close,
    registerAccount: async (platform, id, token, extra = {}) => {
      await control('POST', '/accounts', { platform, id, token, ...extra });
    },
    posts: async (platform, accountId) => {
      const query = new URLSearchParams({ ...(platform ? { platform } : {}), ...(accountId ? { account: accountId } : {}) });
      const payload = (await control('GET', `/posts?${query}`)) as { posts: SandboxPostView[] };
      return payload.posts;
    },
    reset: async () => {
      await control('POST', '/reset');
    },
    fault: async (rule) => {
      await control('POST', '/faults', rule);
    },
    clearFaults: async () => {
      await control('DELETE', '/faults');
    },
    expireToken: async (platform, accountId) => {
      await control('POST', `/accounts/${platform}/${accountId}/expire-token`, {});
    },
    setInstagramQuotaUsage: async (accountId, used) => {
      await control('POST', `/accounts/instagram/${accountId}/quota-usage`, { used });
    },
    duplicates: async () => ((await control('GET', '/duplicates')) as { duplicates: SandboxDuplicate[] }).duplicates,
  };
}
