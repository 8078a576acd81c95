import type { Request, Response } from 'express';
import { type InstagramTemporarySubcode, isInstagramTemporarySubcode } from '../graph/graph.errors.js';
import type { SandboxState } from '../state/sandbox-state.js';
import type { FaultInjector } from './fault-injector.js';
import type { FaultRuleInput } from './fault-rule.dto.js';
import { faultTarget, type FaultTarget } from './fault-target.js';
import {
  containerErrorText,
  DEFAULT_CONTAINER_ERROR_SUBCODE,
  containerStatusInProgress,
  type FaultAnswerContext,
  publishingLimitUsedUp,
  sendDuplicate,
  sendPermissionDenied,
  sendQuotaExhausted,
  sendRateLimited,
  sendServerError,
  sendTokenExpired,
  sendUsageCapped,
} from './fault-answers.js';

/** X's 15-minute window: when a rate_limited rule names no reset. */
const DEFAULT_RETRY_AFTER_SECONDS = 900;

export interface FaultRule extends FaultRuleInput {
  readonly id: string;
  /** Matching requests this rule will still fail. */
  readonly remaining: number;
}

interface RuleFaultInjectorDeps {
  readonly state: SandboxState;
  readonly now: () => number;
  readonly instagramQuotaTotal: number;
}

/**
 * "Fail the next N matching requests": rules are tried in creation order, the first one matching the request's
 * platform, endpoint (and account, when the rule names one) fails it and counts down; a spent rule disappears.
 */
export class RuleFaultInjector implements FaultInjector {
  private rules: Array<FaultRuleInput & { id: string; remaining: number }> = [];
  private sequence = 0;

  constructor(private readonly deps: RuleFaultInjectorDeps) {}

  add(input: FaultRuleInput): FaultRule {
    this.sequence += 1;
    const rule = { ...input, id: `fault-${this.sequence}`, remaining: input.times };
    this.rules.push(rule);
    return { ...rule };
  }

  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  /** Forgets every rule; answers how many were still active. */
  clear(): number {
    const count = this.rules.length;
    this.rules = [];
    return count;
  }

  reset(): void {
    this.clear();
  }

  intercept(req: Request, res: Response): boolean {
    if (this.rules.length === 0) return false;
    const target = faultTarget(req, this.deps.state);
    if (target === null) return false;
    const rule = this.rules.find((r) => matches(r, target));
    if (rule === undefined) return false;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return this.apply(rule, { req, target, nowMs: this.deps.now(), traceId: () => this.deps.state.ids.trace() }, res);
  }

  /** True when the fault answered instead of the route; false when the route runs and its answer is altered. */
  private apply(rule: FaultRuleInput, answer: FaultAnswerContext, res: Response): boolean {
    switch (rule.fault) {
      case 'error_before':
        sendServerError(res, answer, temporarySubcode(rule));
        return true;
      case 'rate_limited': {
        const send = () => sendRateLimited(res, answer, rule.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS, rule.code, rule.subcode);
        // A throttle answer after a long request (platform-apis.md §8.3). Unref'd: a sandbox closing meanwhile does not
        // wait for it.
        const throttle = () => (rule.delayMs === undefined ? send() : void setTimeout(send, rule.delayMs).unref());
        if (!rule.afterStoring) {
          throttle();
          return true;
        }
        // The route does the work; its answer is replaced by the throttle.
        afterRoute(res, throttle);
        return false;
      }
      case 'usage_capped':
        sendUsageCapped(res);
        return true;
      case 'token_expired':
        sendTokenExpired(res, answer);
        return true;
      case 'permission_denied':
        sendPermissionDenied(res, answer);
        return true;
      case 'duplicate':
        sendDuplicate(res, answer);
        return true;
      case 'quota_exhausted':
        if (answer.target.endpoint === 'ig.media_publish') {
          sendQuotaExhausted(res, answer);
          return true;
        }
        rewriteJson(res, (body) => publishingLimitUsedUp(body, this.deps.instagramQuotaTotal));
        return false;
      case 'container_in_progress':
        rewriteJson(res, containerStatusInProgress);
        return false;
      case 'container_error': {
        // ERROR is terminal on Instagram: this read and every later one says so, and media_publish refuses the container.
        const container = answer.target.objectId === undefined ? undefined : this.deps.state.containers.get(answer.target.objectId);
        if (container !== undefined && container.mediaId === undefined) container.errorText ??= containerErrorText(rule.subcode ?? DEFAULT_CONTAINER_ERROR_SUBCODE);
        return false;
      }
      case 'error_after':
        afterRoute(res, () => sendServerError(res, answer, temporarySubcode(rule)));
        return false;
      case 'timeout_before':
        // Nothing is stored and nothing answers: to the client this is the same silence as timeout_after.
        dropAnswer(res, rule.delayMs);
        return true;
      case 'timeout_after':
        afterRoute(res, () => dropAnswer(res, rule.delayMs));
        return false;
    }
  }
}

/** The answer never comes; without a delay the request hangs until the client gives up or the server closes. */
function dropAnswer(res: Response, delayMs: number | undefined): void {
  if (delayMs !== undefined) setTimeout(() => res.socket?.destroy(), delayMs).unref();
}

function matches(rule: FaultRuleInput, target: FaultTarget): boolean {
  return (
    rule.platform === target.platform &&
    (rule.endpoint === 'any' || rule.endpoint === target.endpoint) &&
    (rule.account === undefined || rule.account === target.accountId)
  );
}

/**
 * Lets the route run (and store what it stores), then hands its answer to `onAnswer` instead of the client. Every
 * answer goes through `res.send` (`res.json` calls it), including the error handlers'.
 */
function afterRoute(res: Response, onAnswer: (status: number, body: unknown) => void): void {
  const send = res.send;
  res.send = function interceptedSend(body?: unknown): Response {
    res.send = send;
    onAnswer(res.statusCode, body);
    return res;
  };
}

/** A successful JSON answer of the route, changed by `change`; errors go out untouched. */
function rewriteJson(res: Response, change: (body: Record<string, unknown>) => Record<string, unknown>): void {
  afterRoute(res, (status, body) => {
    const parsed = status === 200 ? parseObject(body) : null;
    if (parsed === null) res.send(body);
    else res.json(change(parsed));
  });
}

function parseObject(body: unknown): Record<string, unknown> | null {
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : null;
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The Instagram temporary error an error fault answers with, if its rule names one; other platforms get their 5xx. */
function temporarySubcode(rule: FaultRuleInput): InstagramTemporarySubcode | undefined {
  return rule.platform === 'instagram' && isInstagramTemporarySubcode(rule.subcode) ? rule.subcode : undefined;
}
