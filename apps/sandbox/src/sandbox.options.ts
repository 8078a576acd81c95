import type { Platform } from '@app/config';
import type { FaultInjector } from './faults/fault-injector.js';
import { RuleFaultInjector } from './faults/rule-fault-injector.js';
import { type SandboxPost, SandboxState } from './state/sandbox-state.js';

export interface SandboxOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Interface to bind; all interfaces when absent. */
  readonly host?: string;
  /** Status reads that still answer IN_PROGRESS before a new Instagram container is FINISHED. */
  readonly containerPollsUntilReady?: number;
  /** Instagram content-publishing quota per account per rolling 24 h (platform-apis.md §2.5: 50 today). */
  readonly instagramQuotaTotal?: number;
  /** How long the emulated Meta waits for an image_url / url download. */
  readonly mediaFetchTimeoutMs?: number;
  /** X posts per user per 24 h (tier-dependent: 17 on Free, 100 on Basic; platform-apis.md §7.5). Default: no practical limit. */
  readonly xUserTweetsPer24h?: number;
  /** X posts per app per 24 h (10,000, platform-apis.md §7.5). */
  readonly xAppTweetsPer24h?: number;
  /**
   * X's 403 duplicate content, Facebook's 506 (platform-apis.md §8) and Instagram's refusal to publish a container twice.
   * On by default, as on the platforms. Off, a second copy goes out, as it would on X once its window has passed or on
   * Facebook once another post came between: tests of our own fencing turn them off, so that a double post shows as two
   * posts instead of being refused for us.
   */
  readonly duplicateGuards?: boolean;
  /**
   * How long a new post stays out of the account's listings (Instagram media, the Page's posts, the X timeline), which
   * reconciliation reads: the platforms' listings are eventually consistent, by amounts platform-apis.md does not give.
   * 0 (the default) lists a post at once.
   */
  readonly listingLagMs?: number;
  /**
   * Whether a photo post shows its caption as the post's `message` (true, the default) or only as the photo's `name`
   * (platform-apis.md §5.3 leaves it open [?]).
   */
  readonly facebookPhotoPostMessage?: boolean;
  /** The sandbox's clock in ms; tests may move it to age posts. */
  readonly now?: () => number;
  /** One line per request (method, path without query, status, duration): never tokens. */
  readonly log?: (line: string) => void;
  /** Replaces the rule-based injector that POST /__sandbox/faults configures. */
  readonly faults?: FaultInjector;
}

/** Everything a route needs: settings with defaults applied, the in-memory state, the clock and the fault seam. */
export interface SandboxContext {
  readonly state: SandboxState;
  readonly containerPollsUntilReady: number;
  readonly instagramQuotaTotal: number;
  readonly mediaFetchTimeoutMs: number;
  readonly xDailyTweetLimits: { readonly user: number; readonly app: number };
  readonly duplicateGuards: boolean;
  readonly listingLagMs: number;
  readonly facebookPhotoPostMessage: boolean;
  readonly now: () => number;
  readonly faults: FaultInjector;
}

export function createContext(options: SandboxOptions): SandboxContext {
  const now = options.now ?? Date.now;
  const state = new SandboxState(now);
  const instagramQuotaTotal = options.instagramQuotaTotal ?? 50;
  return {
    state,
    containerPollsUntilReady: options.containerPollsUntilReady ?? 1,
    instagramQuotaTotal,
    mediaFetchTimeoutMs: options.mediaFetchTimeoutMs ?? 10_000,
    xDailyTweetLimits: { user: options.xUserTweetsPer24h ?? 2_400, app: options.xAppTweetsPer24h ?? 10_000 },
    duplicateGuards: options.duplicateGuards ?? true,
    listingLagMs: options.listingLagMs ?? 0,
    facebookPhotoPostMessage: options.facebookPhotoPostMessage ?? true,
    now,
    faults: options.faults ?? new RuleFaultInjector({ state, now, instagramQuotaTotal }),
  };
}

/** An account's posts as its listing endpoints show them, oldest first: those younger than `listingLagMs` left out. */
export function listedPosts(ctx: SandboxContext, platform: Platform, accountId: string): SandboxPost[] {
  const posts = ctx.state.listPosts({ platform, accountId });
  if (ctx.listingLagMs === 0) return posts;
  const listedBefore = ctx.now() - ctx.listingLagMs;
  return posts.filter((post) => post.createdAt <= listedBefore);
}
