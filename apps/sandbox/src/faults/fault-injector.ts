import type { Request, RequestHandler, Response } from 'express';

/**
 * The seam for fault injection (5xx, 429 with reset, timeouts, an expired token, "store the post, then drop the
 * response"). Every platform request (Graph and X, not /__sandbox) passes `intercept` before its route runs.
 * - To fail instead of the route: answer (or destroy `res.socket`) and return true; the route is skipped.
 * - To fail after the route stored its effect: wrap `res.json`/`res.send` (drop, delay, replace) and return false.
 * The sandbox's default is RuleFaultInjector ("fail the next N matching requests", configured through
 * /__sandbox/faults); `SandboxOptions.faults` may replace it, e.g. with NO_FAULTS.
 */
export interface FaultInjector {
  intercept(req: Request, res: Response): boolean | Promise<boolean>;
  /** Forget every rule (POST /__sandbox/reset). */
  reset(): void;
}

export const NO_FAULTS: FaultInjector = { intercept: () => false, reset: () => undefined };

export function faultGate(injector: FaultInjector): RequestHandler {
  return async (req, res, next) => {
    if (await injector.intercept(req, res)) return;
    next();
  };
}
