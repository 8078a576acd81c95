import { randomBytes } from 'node:crypto';
import type { Platform } from '@app/config';
import { IdFactory } from './id-factory.js';

/** Follower counts of the city's real accounts (DESIGN.md §1), used when an account is registered without one. */
export const DEFAULT_FOLLOWERS: Readonly<Record<Platform, number>> = { instagram: 150_000, facebook: 17_000, x: 64_000 };

/** X OAuth 2.0 user access tokens last two hours (platform-apis.md §4.3). */
export const X_TOKEN_LIFETIME_MS = 7_200_000;

/** Instagram's content-publishing quota is a rolling 24-hour window. */
export const INSTAGRAM_QUOTA_WINDOW_MS = 86_400_000;

export interface SandboxAccount {
  readonly platform: Platform;
  /** IG user id, Facebook Page id or X user id. */
  readonly id: string;
  readonly token: string;
  readonly username: string;
  readonly followers: number;
  /** Sandbox clock (ms) from which the platform refuses the token as expired; absent = it does not expire. */
  readonly tokenExpiresAt?: number;
  /** X only: the OAuth 2.0 refresh token that renews `token` once (X rotates it: each renewal issues a new one). */
  readonly refreshToken?: string;
}

/** What POST /2/oauth2/token answers a renewal with. */
export interface RenewedXToken {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresInSeconds: number;
}

export interface IgContainer {
  readonly id: string;
  readonly accountId: string;
  readonly caption: string;
  readonly imageUrl: string;
  readonly imageBytes: number;
  readonly createdAt: number;
  /** Status reads left that answer IN_PROGRESS. */
  statusReadsLeft: number;
  /** Set once media_publish succeeded. */
  mediaId?: string;
  /** Set when processing failed: the `status` text of status_code ERROR, for good (a new container is needed). */
  errorText?: string;
}

export interface SandboxPost {
  readonly platform: Platform;
  readonly accountId: string;
  /** IG media id, Facebook `{page-id}_{post-id}`, or tweet id. */
  readonly id: string;
  readonly text: string;
  readonly imageUrl?: string;
  readonly imageBytes: number;
  readonly createdAt: number;
  /** X only: the media ids attached. */
  readonly mediaIds?: readonly string[];
}

export interface XMediaUpload {
  readonly id: string;
  readonly accountId: string;
  readonly mediaType: string;
  readonly totalBytes: number;
  readonly createdAt: number;
  readonly segments: Map<number, Buffer>;
  finalized?: { readonly size: number; readonly width: number; readonly height: number };
}

/** X rate-limit window per token and endpoint. */
export interface RateWindow {
  resetAt: number;
  used: number;
}

/** Everything the sandbox remembers, in memory only. Routes read and change it; POST /__sandbox/reset clears it. */
export class SandboxState {
  readonly ids: IdFactory;
  private readonly accounts = new Map<string, SandboxAccount>();
  readonly containers = new Map<string, IgContainer>();
  private readonly posts = new Map<string, SandboxPost>();
  /** The same posts per platform and account, in the order they were made: the lists a publish checks against. */
  private readonly postsByAccount = new Map<string, SandboxPost[]>();
  /** Facebook photo id → post id. */
  private readonly facebookPhotos = new Map<string, string>();
  readonly xMedia = new Map<string, XMediaUpload>();
  readonly rateWindows = new Map<string, RateWindow>();
  /**
   * Instagram publishes made outside this sandbox's API (another app on the same account), per IG user id: they count
   * against the content-publishing quota like the sandbox's own posts, and age out of the rolling window the same way.
   */
  private readonly outsidePublishes = new Map<string, number[]>();
  /**
   * X access tokens replaced by a renewal, with their account and expiry. [?] X does not document whether a renewal
   * revokes the access token it replaces; like most OAuth servers the sandbox lets it live out its two hours, so a
   * worker still holding it while another renews is not refused.
   */
  private readonly replacedXTokens = new Map<string, { readonly accountId: string; readonly expiresAt: number }>();

  constructor(private readonly now: () => number) {
    this.ids = new IdFactory(now);
  }

  /** Registers or replaces (idempotent). */
  upsertAccount(account: SandboxAccount): void {
    this.accounts.set(accountKey(account.platform, account.id), account);
  }

  account(platform: Platform, id: string): SandboxAccount | undefined {
    return this.accounts.get(accountKey(platform, id));
  }

  /**
   * The account's token stops working from `at` (sandbox clock), for every object it grants (a Meta token may serve a
   * Page and its Instagram account). Re-registering an account gives it a fresh token.
   */
  expireToken(platform: Platform, id: string, at: number): boolean {
    const account = this.account(platform, id);
    if (account === undefined) return false;
    for (const holder of [...this.accounts.values()].filter((a) => a.token === account.token)) this.upsertAccount({ ...holder, tokenExpiresAt: at });
    // Tokens a renewal replaced expire no later than the account's current one.
    for (const [token, replaced] of this.replacedXTokens) {
      if (platform === 'x' && replaced.accountId === id) this.replacedXTokens.set(token, { ...replaced, expiresAt: Math.min(replaced.expiresAt, at) });
    }
    return true;
  }

  /**
   * Renews the X account holding `refreshToken`: a new access token valid two hours from now (sandbox clock) and a new
   * refresh token; the one sent stops working. Undefined for a refresh token no account holds (unknown or used up).
   */
  renewXToken(refreshToken: string): RenewedXToken | undefined {
    const account = this.xAccountForRefreshToken(refreshToken);
    if (account === undefined) return undefined;
    const now = this.now();
    if (account.tokenExpiresAt === undefined || account.tokenExpiresAt > now) {
      this.replacedXTokens.set(account.token, { accountId: account.id, expiresAt: account.tokenExpiresAt ?? now + X_TOKEN_LIFETIME_MS });
    }
    const renewed = { accessToken: opaqueToken(), refreshToken: opaqueToken(), expiresInSeconds: X_TOKEN_LIFETIME_MS / 1000 };
    this.upsertAccount({ ...account, token: renewed.accessToken, refreshToken: renewed.refreshToken, tokenExpiresAt: now + X_TOKEN_LIFETIME_MS });
    return renewed;
  }

  /** The X account an OAuth 2.0 user token is valid for now: its current token, or one a renewal replaced that has not run out. */
  xAccountForToken(token: string): SandboxAccount | undefined {
    const now = this.now();
    const current = this.accountsWithToken(token, ['x'])[0];
    if (current !== undefined) return current.tokenExpiresAt === undefined || current.tokenExpiresAt > now ? current : undefined;
    const replaced = this.replacedXTokens.get(token);
    return replaced !== undefined && replaced.expiresAt > now ? this.account('x', replaced.accountId) : undefined;
  }

  /** The X account holding this refresh token, if any (for fault rules naming an account). */
  xAccountForRefreshToken(refreshToken: string): SandboxAccount | undefined {
    return [...this.accounts.values()].find((a) => a.platform === 'x' && a.refreshToken === refreshToken);
  }

  /** A Meta token may be valid for several objects (a Page and its linked Instagram account). */
  accountsWithToken(token: string, platforms: readonly Platform[]): SandboxAccount[] {
    return [...this.accounts.values()].filter((a) => a.token === token && platforms.includes(a.platform));
  }

  addPost(post: SandboxPost): void {
    const key = postKey(post.platform, post.id);
    const previous = this.posts.get(key);
    if (previous !== undefined) {
      const list = this.accountPosts(previous);
      list.splice(list.indexOf(previous), 1);
    }
    this.posts.set(key, post);
    const list = this.accountPosts(post);
    list.splice(firstAfter(list, post.createdAt), 0, post);
    // A Facebook photo is reachable by its post id (`{page}_{n}`) and by its photo id (`n`).
    if (post.platform === 'facebook' && post.id.includes('_')) this.facebookPhotos.set(post.id.slice(post.id.lastIndexOf('_') + 1), post.id);
  }

  private accountPosts(post: SandboxPost): SandboxPost[] {
    const key = accountKey(post.platform, post.accountId);
    const list = this.postsByAccount.get(key) ?? [];
    this.postsByAccount.set(key, list);
    return list;
  }

  post(platform: Platform, id: string): SandboxPost | undefined {
    return this.posts.get(postKey(platform, id));
  }

  /** The Facebook post with this post id or photo id. */
  facebookPost(id: string): SandboxPost | undefined {
    return this.post('facebook', id) ?? this.post('facebook', this.facebookPhotos.get(id) ?? '');
  }

  /** The account's newest post. */
  latestPost(platform: Platform, accountId: string): SandboxPost | undefined {
    return this.postsByAccount.get(accountKey(platform, accountId))?.at(-1);
  }

  /**
   * Oldest first. Each account keeps its posts in that order as they come: publishes check them, and a burst makes
   * thousands, so nothing on a publish's path copies or sorts them.
   */
  listPosts(filter: { platform?: Platform; accountId?: string } = {}): SandboxPost[] {
    if (filter.platform !== undefined && filter.accountId !== undefined) return [...(this.postsByAccount.get(accountKey(filter.platform, filter.accountId)) ?? [])];
    return [...this.posts.values()]
      .filter((p) => (filter.platform === undefined || p.platform === filter.platform) && (filter.accountId === undefined || p.accountId === filter.accountId))
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  /**
   * Posts that show the same text twice on one account (Unicode NFC, whitespace collapsed), oldest first within each
   * group: what a follower would see as a double post. Posts without text are never counted as duplicates.
   */
  duplicateGroups(filter: { platform?: Platform; accountId?: string } = {}): SandboxPost[][] {
    const groups = new Map<string, SandboxPost[]>();
    for (const post of this.listPosts(filter)) {
      const text = sameTextKey(post.text);
      if (text === '') continue;
      const key = `${post.platform}\n${post.accountId}\n${text}`;
      groups.set(key, [...(groups.get(key) ?? []), post]);
    }
    return [...groups.values()].filter((group) => group.length > 1);
  }

  /** Content-publishing quota the IG account has used in the rolling 24 h window ending at `now` (platform-apis.md §2.5). */
  instagramQuotaUsage(accountId: string, now: number): number {
    const since = now - INSTAGRAM_QUOTA_WINDOW_MS;
    const outside = (this.outsidePublishes.get(accountId) ?? []).filter((at) => at > since).length;
    const own = this.postsByAccount.get(accountKey('instagram', accountId)) ?? [];
    return outside + own.length - firstAfter(own, since);
  }

  /** Brings the used quota to `used` with publishes by another app at `now`; never below the sandbox's own posts. */
  setInstagramQuotaUsage(accountId: string, used: number, now: number): number {
    this.outsidePublishes.delete(accountId);
    const own = this.instagramQuotaUsage(accountId, now);
    this.outsidePublishes.set(accountId, Array.from({ length: Math.max(0, used - own) }, () => now));
    return this.instagramQuotaUsage(accountId, now);
  }

  reset(): void {
    this.accounts.clear();
    this.containers.clear();
    this.posts.clear();
    this.postsByAccount.clear();
    this.facebookPhotos.clear();
    this.xMedia.clear();
    this.rateWindows.clear();
    this.outsidePublishes.clear();
    this.replacedXTokens.clear();
  }
}

/** Like X's: opaque, URL-safe, long enough never to collide. */
function opaqueToken(): string {
  return randomBytes(48).toString('base64url');
}

/** The index of the first post made after `at` in a list ordered by creation time (its length if none). */
function firstAfter(posts: readonly SandboxPost[], at: number): number {
  let [low, high] = [0, posts.length];
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (posts[mid].createdAt <= at) low = mid + 1;
    else high = mid;
  }
  return low;
}

function accountKey(platform: Platform, id: string): string {
  return `${platform}:${id}`;
}

/** The text as a reader compares it: NFC, runs of whitespace as one space, trimmed. */
export function sameTextKey(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

function postKey(platform: Platform, id: string): string {
  return `${platform}:${id}`;
}
