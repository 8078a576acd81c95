import { type ErrorRequestHandler, type Request, Router } from 'express';
import type { SandboxContext } from '../sandbox.options.js';
import type { SandboxAccount } from '../state/sandbox-state.js';
import { notFound, sendProblem, tooManyRequests, unauthorized, XProblem } from './x.problems.js';
import { takeRateLimit } from './x-rate-limit.js';
import { xMediaRoutes } from './x-media.routes.js';
import { xOAuth2Routes } from './x-oauth2.routes.js';
import { xTweetRoutes } from './x-tweets.routes.js';

export interface XRouteDeps {
  readonly ctx: SandboxContext;
  /** The X account whose OAuth 2.0 user token authenticated the request. */
  readonly account: (req: Request) => SandboxAccount;
}

/** X API v2, mounted at /2: rate-limit headers on every answer, Bearer user token, Problem JSON errors. */
export function xRouter(ctx: SandboxContext): Router {
  const router = Router();
  const accounts = new WeakMap<Request, SandboxAccount>();

  // The token endpoint authenticates the app (client id), not a user: it comes before the Bearer check.
  xOAuth2Routes(router, ctx);

  router.use((req, res, next) => {
    const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const rate = takeRateLimit(ctx.state.rateWindows, token ?? 'anonymous', req.method, req.path, ctx.now());
    res.set({ 'x-rate-limit-limit': String(rate.limit), 'x-rate-limit-remaining': String(rate.remaining), 'x-rate-limit-reset': String(rate.reset) });
    if (!rate.allowed) return sendProblem(res, tooManyRequests());
    // An expired OAuth 2.0 user token gets the same bare 401 as an unknown one.
    const account = token === undefined ? undefined : ctx.state.xAccountForToken(token);
    if (account === undefined) return sendProblem(res, unauthorized());
    accounts.set(req, account);
    next();
  });

  const deps: XRouteDeps = {
    ctx,
    account: (req) => {
      const account = accounts.get(req);
      if (account === undefined) throw unauthorized();
      return account;
    },
  };
  xMediaRoutes(router, deps);
  xTweetRoutes(router, deps);
  router.use((_req, res) => sendProblem(res, notFound()));

  const problems: ErrorRequestHandler = (error: unknown, _req, res, next) => {
    if (error instanceof XProblem) return sendProblem(res, error);
    next(error);
  };
  router.use(problems);
  return router;
}
