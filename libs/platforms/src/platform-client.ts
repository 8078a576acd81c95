import type { Platform } from '@app/config';
import type { CaptionRules } from './caption-rules.js';

export type { CaptionRules } from './caption-rules.js';

/** Decrypted credentials for one connected account. Never log these. */
export interface PlatformCredentials {
  /** Instagram user id, Facebook Page id or X user id. */
  readonly accountExternalId: string;
  readonly accessToken: string;
}

export interface PublishRequest {
  readonly credentials: PlatformCredentials;
  readonly caption: string;
  readonly image: {
    /** Public URL of the platform-ready JPEG (Meta fetches it itself). */
    readonly url: string;
    /** The same JPEG's bytes, for platforms that take an upload (X). */
    readonly read: () => Promise<Buffer>;
  };
  /**
   * A platform object an earlier attempt of this publication already created and persisted through
   * `onCheckpoint` (the Instagram container id). The client resumes from it instead of creating a new one.
   */
  readonly checkpoint: string | null;
  /** Called with an intermediate platform id; the caller must persist it before this promise resolves. */
  readonly onCheckpoint: (checkpoint: string) => Promise<void>;
  /**
   * Called right before each request that can make something public (the post itself); rejects when the attempt no
   * longer owns the publication (its lease ran out and it was handed to reconciliation), so it must not write.
   */
  readonly beforeWrite: () => Promise<void>;
}

export interface PublishedPost {
  readonly externalId: string;
  readonly url: string;
}

/** Where to look for a post whose publish call had no clear answer (DESIGN.md §4, platform-apis.md §8). */
export interface FindPostRequest {
  readonly credentials: PlatformCredentials;
  readonly caption: string;
  /** When this publication's first attempt started: only posts made since can be ours. */
  readonly since: Date;
  /** The intermediate object the attempt persisted (Instagram container id), if any. */
  readonly checkpoint: string | null;
}

/**
 * What the platform says about the post: `found` (it went out, here it is), `absent` (it did not, and publishing
 * again cannot make a second one), `pending` (not settled yet: a container still processing, or published with its
 * media not listed yet; look again later) or `undecidable` (the answers contradict each other: a human must look).
 */
export type PostSearch =
  | { readonly state: 'found'; readonly post: FoundPost }
  | { readonly state: 'absent' }
  | { readonly state: 'pending'; readonly reason: string }
  | { readonly state: 'undecidable'; readonly reason: string };

/** A post staff point at by its address, as they copied it from the platform (DESIGN.md §4: marked posted by hand). */
export interface FindByUrlRequest {
  readonly credentials: PlatformCredentials;
  readonly url: string;
  /** How far back the account's posts are read for it (Instagram and Facebook list; X reads the id in the address). */
  readonly since: Date;
}

export type FoundPost = PublishedPost & { readonly postedAt: Date };

/** Found, or not among the account's posts since `since`, or not established (the listing was longer than is read). */
export type PostByUrl = { readonly state: 'found'; readonly post: FoundPost } | { readonly state: 'absent' } | { readonly state: 'undecidable'; readonly reason: string };

export interface MetricsRequest {
  readonly credentials: PlatformCredentials;
  readonly externalId: string;
}

/** Numbers normalised across platforms; null where the platform has no such number. */
export interface PostMetrics {
  /** Unique accounts reached. X has none: always null there. */
  readonly reach: number | null;
  readonly views: number | null;
  readonly likes: number;
  readonly comments: number;
  readonly shares: number;
  readonly saves: number;
  readonly engagement: number;
  /** Which platform metric each normalised number came from, e.g. { reach: 'reach', views: 'impression_count' }. */
  readonly sources: Readonly<Record<string, string>>;
  /** Per-metric failures that did not stop the others, e.g. a retired Meta metric. */
  readonly errors: Readonly<Record<string, string>>;
  readonly raw: unknown;
  readonly apiVersion: string;
}

/**
 * What a platform accepts as a post's image, as data: generic code checks a rendition against it without knowing
 * the platform. Bounds are the platform's documented ones (platform-apis.md §2.7, §5.1, §7.2).
 */
export interface MediaRules {
  /** MIME types of the image formats the platform takes, e.g. `image/jpeg`. */
  readonly mimeTypes: readonly string[];
  readonly maxBytes: number;
  /** Width / height bounds, both inclusive; absent when the platform documents none. */
  readonly aspectRatio?: { readonly min: number; readonly max: number };
}

/** A platform's own publishing quota for the account (Instagram's rolling 24 h limit); X and Facebook have none. */
export interface PublishingQuota {
  readonly used: number;
  readonly limit: number;
  /** The window is rolling: posts older than this no longer count. */
  readonly windowSeconds: number;
}

/** The platform accepted the token for the account and answered a read about it. */
export interface AccountCheck {
  /** The account id as the platform reports it; differs from the one asked for when the token is another user's. */
  readonly accountId: string;
  /** Username or Page name as the platform shows it, when it says. */
  readonly name: string | null;
  readonly quota: PublishingQuota | null;
  /** Followers of the account (Instagram followers_count, Page followers_count, X public_metrics), when it says. */
  readonly followers: number | null;
}

/** A renewed user access token. Never log it. */
export interface RenewedToken {
  readonly accessToken: string;
  /** The refresh token to use next time (X rotates them: the one just sent no longer works); null if none came back. */
  readonly refreshToken: string | null;
  /** How long the new access token lasts from when it was asked for. */
  readonly expiresInSeconds: number;
}

/**
 * The one interface every platform implements. Implementations throw only the errors in platform.errors.ts,
 * so callers decide retry / fail / reconcile without knowing which platform they talk to.
 */
export interface PlatformClient {
  readonly platform: Platform;
  /** Length, hashtag and mention limits of a post's text, for composing captions without platform branches. */
  readonly captionRules: CaptionRules;
  publish(request: PublishRequest): Promise<PublishedPost>;
  /**
   * Looks for the post on the platform by its caption among the account's posts since the attempt began (reads
   * only). Throws PlatformErrors when the platform could not be read; the caller looks again later.
   */
  findPost(request: FindPostRequest): Promise<PostSearch>;
  /**
   * The account's post at the address staff give, with its id (which Instagram does not show in its addresses), read
   * from the account's posts since `since` (reads only). Throws PlatformErrors when the platform could not be read.
   */
  findPostByUrl(request: FindByUrlRequest): Promise<PostByUrl>;
  fetchMetrics(request: MetricsRequest): Promise<PostMetrics>;
  readonly mediaRules: MediaRules;
  /**
   * Reads the account with its token (a read: safe to repeat, changes nothing). Throws PlatformAuthError when the
   * token is expired, revoked or lacks permission; other PlatformErrors when the platform could not answer.
   */
  checkAccount(credentials: PlatformCredentials): Promise<AccountCheck>;
  /**
   * Renews a user access token with its refresh token (X OAuth 2.0). Absent on platforms whose tokens are not renewed
   * this way, or when the app credentials it needs are not configured. Throws PlatformAuthError when the platform
   * refuses the refresh token (used up, revoked): only a reconnection helps then; other PlatformErrors when it could
   * not answer. Not safe to repeat blindly: a platform that rotates refresh tokens may have used this one up even when
   * the answer was lost.
   */
  readonly refreshAccessToken?: (refreshToken: string) => Promise<RenewedToken>;
}

export const PLATFORM_CLIENTS = Symbol('PLATFORM_CLIENTS');
