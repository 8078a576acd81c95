import type { Request, Response } from 'express';
import {
  duplicatePost,
  expiredToken,
  type GraphApiError,
  instagramTemporaryError,
  type InstagramTemporarySubcode,
  noPermission,
  publishingQuotaExhausted,
  throttled,
  type ThrottleCode,
  unknownServerError,
} from '../graph/graph.errors.js';
import { CONTAINER_STATUS_TEXT } from '../graph/instagram-publishing.routes.js';
import { clientForbidden, duplicateContent, sendProblem, serviceUnavailable, tooManyRequests, unauthorized, usageCapped, type XProblem } from '../x/x.problems.js';
import { endpointLimit } from '../x/x-rate-limit.js';
import type { FaultTarget } from './fault-target.js';

/** What the platform's own answer to a fault looks like; `traceId` makes Graph's fbtrace_id. */
export interface FaultAnswerContext {
  readonly req: Request;
  readonly target: FaultTarget;
  readonly nowMs: number;
  readonly traceId: () => string;
}

/** The subcode a failed container names unless the fault rule gives one: 2207026, a media fault (§2.8 "fix"). */
export const DEFAULT_CONTAINER_ERROR_SUBCODE = 2207026;

/** The documented text of a container that failed with `subcode` (platform-apis.md §2.3). */
export const containerErrorText = (subcode: number): string => `Error: Media upload has failed with error code ${subcode}`;

const DEFAULT_THROTTLE: Readonly<Record<'instagram' | 'facebook', ThrottleCode>> = { instagram: 80002, facebook: 80001 };
const BUC_CODES: ReadonlySet<ThrottleCode> = new Set([32, 80001, 80002]);

/** A 5xx; on Instagram, with `subcode`, one of its temporary errors instead (HTTP 400, §2.8 "retry"). */
export function sendServerError(res: Response, answer: FaultAnswerContext, subcode?: InstagramTemporarySubcode): void {
  send(res, answer, subcode === undefined ? unknownServerError() : instagramTemporaryError(subcode), serviceUnavailable());
}

export function sendTokenExpired(res: Response, answer: FaultAnswerContext): void {
  send(res, answer, expiredToken(answer.nowMs - 3_600_000, answer.nowMs), unauthorized());
}

/** The token is valid but lacks a permission: Graph (#200) as HTTP 403, X 403 client-forbidden. */
export function sendPermissionDenied(res: Response, answer: FaultAnswerContext): void {
  send(res, answer, noPermission(200), clientForbidden());
}

/** X 403 duplicate content; Facebook 506. */
export function sendDuplicate(res: Response, answer: FaultAnswerContext): void {
  send(res, answer, duplicatePost(), duplicateContent());
}

/** Instagram only: the rule vocabulary allows the fault on media_publish alone. */
export function sendQuotaExhausted(res: Response, answer: FaultAnswerContext): void {
  sendGraph(res, answer, publishingQuotaExhausted());
}

/** X only: the monthly usage cap, a 429 without x-rate-limit-* headers (no window resets it). */
export function sendUsageCapped(res: Response): void {
  sendProblem(res, usageCapped());
}

/**
 * X: 429 with the x-rate-limit-* headers of the endpoint, remaining 0, reset in epoch seconds. Graph: the throttling
 * code (and subcode, when the rule names one) with HTTP 400 and the usage header that goes with it (Business Use Case
 * usage carries the minutes until access returns; app-level limits only X-App-Usage).
 */
export function sendRateLimited(
  res: Response,
  answer: FaultAnswerContext,
  retryAfterSeconds: number,
  code: ThrottleCode | undefined,
  subcode: number | undefined,
): void {
  const { target, nowMs } = answer;
  if (target.platform === 'x') {
    res.set({
      'x-rate-limit-limit': String(endpointLimit(answer.req.method, answer.req.path.replace(/^\/2/, ''))),
      'x-rate-limit-remaining': '0',
      'x-rate-limit-reset': String(Math.ceil(nowMs / 1000) + retryAfterSeconds),
    });
    sendProblem(res, tooManyRequests());
    return;
  }
  const throttle = code ?? DEFAULT_THROTTLE[target.platform];
  if (BUC_CODES.has(throttle)) {
    const usage = {
      type: target.platform === 'instagram' ? 'instagram' : 'pages',
      call_count: 100,
      total_cputime: 42,
      total_time: 57,
      estimated_time_to_regain_access: Math.ceil(retryAfterSeconds / 60),
    };
    res.set('x-business-use-case-usage', JSON.stringify({ [target.accountId ?? 'unknown']: [usage] }));
  } else {
    res.set('x-app-usage', JSON.stringify({ call_count: 100, total_time: 57, total_cputime: 42 }));
  }
  sendGraph(res, answer, throttled(throttle, subcode));
}

/** A container status answer made IN_PROGRESS for this one read; only the fields the client asked for are changed. */
export function containerStatusInProgress(body: Record<string, unknown>): Record<string, unknown> {
  const status = 'IN_PROGRESS';
  return { ...body, ...('status_code' in body ? { status_code: status } : {}), ...('status' in body ? { status: CONTAINER_STATUS_TEXT[status] } : {}) };
}

/** A content_publishing_limit answer whose quota_usage has reached the total. */
export function publishingLimitUsedUp(body: Record<string, unknown>, quotaTotal: number): Record<string, unknown> {
  if (!Array.isArray(body.data)) return body;
  const data: unknown[] = body.data.map((entry: unknown) =>
    typeof entry === 'object' && entry !== null && 'quota_usage' in entry ? { ...entry, quota_usage: quotaTotal } : entry,
  );
  return { ...body, data };
}

function send(res: Response, answer: FaultAnswerContext, graph: GraphApiError, x: XProblem): void {
  if (answer.target.platform === 'x') sendProblem(res, x);
  else sendGraph(res, answer, graph);
}

function sendGraph(res: Response, answer: FaultAnswerContext, error: GraphApiError): void {
  res.status(error.status).json(error.body(answer.traceId()));
}
