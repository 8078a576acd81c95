import type { Platform } from '@app/config';

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
}

export interface PublishedPost {
  readonly externalId: string;
  readonly url: string;
}

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
 * The one interface every platform implements. Implementations throw only the errors in platform.errors.ts,
 * so callers decide retry / fail / reconcile without knowing which platform they talk to.
 */
export interface PlatformClient {
  readonly platform: Platform;
  publish(request: PublishRequest): Promise<PublishedPost>;
  fetchMetrics(request: MetricsRequest): Promise<PostMetrics>;
}

export const PLATFORM_CLIENTS = Symbol('PLATFORM_CLIENTS');
