import { type Platform, PLATFORMS } from '@app/config';
import { INSTAGRAM_TEMPORARY_ERRORS, isInstagramTemporarySubcode, THROTTLE_MESSAGES, type ThrottleCode } from '../graph/graph.errors.js';

/**
 * The endpoints a fault rule can target, per platform. `any` matches every emulated request of the platform (reads
 * used for reconciliation included); `other` is what a request outside this list is classified as.
 */
export const FAULT_ENDPOINTS = {
  instagram: ['ig.create_container', 'ig.container_status', 'ig.media_publish', 'ig.publishing_limit', 'any'],
  facebook: ['fb.photos', 'any'],
  x: ['x.media_upload', 'x.create_tweet', 'x.oauth2_token', 'any'],
} as const satisfies Record<Platform, readonly string[]>;

export type FaultEndpoint = (typeof FAULT_ENDPOINTS)[Platform][number];

export const FAULT_KINDS = [
  'error_before',
  'error_after',
  'timeout_before',
  'timeout_after',
  'rate_limited',
  'token_expired',
  'permission_denied',
  'quota_exhausted',
  'container_in_progress',
  'container_error',
  'duplicate',
  'usage_capped',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults that only make sense on some endpoints; the others apply to every endpoint of every platform. */
const ONLY_ON: Partial<Record<FaultKind, readonly FaultEndpoint[]>> = {
  quota_exhausted: ['ig.media_publish', 'ig.publishing_limit'],
  container_in_progress: ['ig.container_status'],
  container_error: ['ig.container_status'],
  duplicate: ['x.create_tweet', 'fb.photos'],
};

/** Faults of one platform's API only (on every endpoint of it). */
const ONLY_PLATFORM: Partial<Record<FaultKind, Platform>> = {
  usage_capped: 'x',
};

const META_THROTTLE_CODES = Object.keys(THROTTLE_MESSAGES).map(Number) as ThrottleCode[];

export interface FaultRuleInput {
  readonly platform: Platform;
  readonly endpoint: FaultEndpoint;
  readonly fault: FaultKind;
  /** How many matching requests fail (default 1). */
  readonly times: number;
  /** Only requests on this account (IG user, Page or X user id); every account when absent. */
  readonly account?: string;
  /** rate_limited: when the limit resets (default 900 s, X's 15-minute window). */
  readonly retryAfterSeconds?: number;
  /** rate_limited on Instagram or Facebook: the Graph code (default 80002 Instagram, 80001 Facebook). */
  readonly code?: ThrottleCode;
  /**
   * rate_limited on Instagram or Facebook: the Graph error_subcode, e.g. 2207051 (code 4: suspected spam);
   * container_error: the subcode the container's status names (default 2207026); error_before/after on Instagram: one
   * of its temporary errors (2207001, 2207003, 2207008), answered as HTTP 400 instead of a 5xx.
   */
  readonly subcode?: number;
  /**
   * timeout_before/after: destroy the socket after this long; absent = never answer (the client's timeout ends it).
   * rate_limited: answer after this long, as a throttle that came after a long request.
   */
  readonly delayMs?: number;
  /**
   * rate_limited: the request is carried out first and the throttle answers it (with delayMs, a refusal after a long
   * write whose work the platform did: platform-apis.md §8.3).
   */
  readonly afterStoring?: boolean;
}

export type ParsedFaultRule = { readonly ok: true; readonly rule: FaultRuleInput } | { readonly ok: false; readonly problems: string[] };

/** Validates a POST /__sandbox/faults body; every problem starts with the name of the field at fault. */
export function parseFaultRule(raw: unknown): ParsedFaultRule {
  const body: Record<string, unknown> = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const problems: string[] = [];
  const platform = PLATFORMS.find((p) => p === body.platform);
  if (platform === undefined) problems.push(`platform must be one of ${PLATFORMS.join(', ')}`);
  const endpoints: readonly FaultEndpoint[] = platform === undefined ? [] : FAULT_ENDPOINTS[platform];
  const endpoint = endpoints.find((e) => e === body.endpoint);
  if (platform !== undefined && endpoint === undefined) problems.push(`endpoint must be one of ${endpoints.join(', ')} for ${platform}`);
  const fault = FAULT_KINDS.find((f) => f === body.fault);
  if (fault === undefined) problems.push(`fault must be one of ${FAULT_KINDS.join(', ')}`);
  const allowed = fault === undefined ? undefined : ONLY_ON[fault];
  if (endpoint !== undefined && allowed !== undefined && !allowed.includes(endpoint)) {
    problems.push(`fault ${String(fault)} applies only to endpoint ${allowed.join(', ')}`);
  }
  const onlyPlatform = fault === undefined ? undefined : ONLY_PLATFORM[fault];
  if (platform !== undefined && onlyPlatform !== undefined && platform !== onlyPlatform) {
    problems.push(`fault ${String(fault)} applies only to platform ${onlyPlatform}`);
  }

  const integer = (key: string, min: number, max: number): number | undefined => {
    if (body[key] === undefined) return undefined;
    const value = body[key];
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    problems.push(`${key} must be an integer from ${min} to ${max}`);
    return undefined;
  };
  const onlyFor = (key: string, ...kinds: FaultKind[]): void => {
    if (body[key] !== undefined && fault !== undefined && !kinds.includes(fault)) problems.push(`${key} applies only to fault ${kinds.join(' or ')}`);
  };
  const times = integer('times', 1, 10_000) ?? 1;
  const retryAfterSeconds = integer('retryAfterSeconds', 1, 86_400);
  onlyFor('retryAfterSeconds', 'rate_limited');
  const delayMs = integer('delayMs', 0, 600_000);
  onlyFor('delayMs', 'timeout_before', 'timeout_after', 'rate_limited');
  const afterStoring = body.afterStoring;
  if (afterStoring !== undefined && typeof afterStoring !== 'boolean') problems.push('afterStoring must be true or false');
  onlyFor('afterStoring', 'rate_limited');
  // A throttle right after the work was done is no documented platform answer (§8: a throttle means "not executed");
  // only one that comes after a long write is.
  if (afterStoring === true && delayMs === undefined) problems.push('afterStoring needs delayMs (a throttle that answers a long write)');
  const code = META_THROTTLE_CODES.find((c) => c === body.code);
  if (body.code !== undefined) {
    if (platform === 'x' || (fault !== undefined && fault !== 'rate_limited')) problems.push('code applies only to rate_limited on instagram or facebook');
    else if (code === undefined) problems.push(`code must be one of ${META_THROTTLE_CODES.join(', ')}`);
  }
  const subcode = integer('subcode', 1, 99_999_999);
  const errorFault = fault === 'error_before' || fault === 'error_after';
  if (subcode !== undefined && errorFault) {
    if (platform !== 'instagram' || !isInstagramTemporarySubcode(subcode)) {
      problems.push(`subcode on ${fault} applies only to instagram, one of ${Object.keys(INSTAGRAM_TEMPORARY_ERRORS).join(', ')}`);
    }
  } else if (body.subcode !== undefined && !errorFault && (platform === 'x' || (fault !== undefined && fault !== 'rate_limited' && fault !== 'container_error'))) {
    problems.push('subcode applies only to rate_limited on instagram or facebook, to container_error, or to error_before and error_after on instagram');
  }
  const account = body.account;
  if (account !== undefined && (typeof account !== 'string' || account === '')) problems.push('account must be a non-empty string');

  if (platform === undefined || endpoint === undefined || fault === undefined || problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    rule: {
      platform,
      endpoint,
      fault,
      times,
      ...(typeof account === 'string' ? { account } : {}),
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      ...(code === undefined ? {} : { code }),
      ...(subcode === undefined ? {} : { subcode }),
      ...(delayMs === undefined ? {} : { delayMs }),
      ...(afterStoring === true ? { afterStoring } : {}),
    },
  };
}
