import type { NextFunction, Request, Response } from 'express';

const PROBLEMS = 'https://api.twitter.com/2/problems';

/** An X API v2 error answer: Problem JSON (platform-apis.md §7.5–7.6). */
export class XProblem extends Error {
  constructor(
    readonly status: number,
    readonly body: Readonly<Record<string, unknown>>,
  ) {
    super(typeof body.detail === 'string' ? body.detail : `HTTP ${status}`);
  }
}

export function sendProblem(res: Response, problem: XProblem): void {
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem.body));
}

export const unauthorized = (): XProblem => new XProblem(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });

export const tooManyRequests = (): XProblem =>
  new XProblem(429, { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 });

/** The plan's monthly usage cap (platform-apis.md §7.5): a 429 that no rate-limit window ends. */
export const usageCapped = (): XProblem =>
  new XProblem(429, {
    title: 'UsageCapExceeded',
    detail: 'Usage cap exceeded: Monthly product cap',
    type: `${PROBLEMS}/usage-capped`,
    period: 'Monthly',
    scope: 'Product',
  });

export const duplicateContent = (): XProblem =>
  new XProblem(403, { detail: 'You are not allowed to create a Tweet with duplicate content.', type: 'about:blank', title: 'Forbidden', status: 403 });

/** An app or user token without access to the endpoint (platform-apis.md §7.6, `…/client-forbidden`). */
export const clientForbidden = (): XProblem =>
  new XProblem(403, {
    client_id: '0',
    detail: 'When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.',
    registration_url: 'https://developer.twitter.com/en/docs/projects/overview',
    title: 'Client Forbidden',
    required_enrollment: 'Appropriate Level of API Access',
    reason: 'client-not-enrolled',
    type: 'https://api.twitter.com/2/problems/client-forbidden',
  });

export const notFound = (): XProblem => new XProblem(404, { title: 'Not Found Error', detail: 'Not Found', type: 'about:blank', status: 404 });

/** 400 with the offending parameter, as X reports validation failures. */
export const invalidRequest = (message: string, parameter?: string, value?: unknown): XProblem =>
  new XProblem(400, {
    errors: [{ parameters: parameter === undefined ? {} : { [parameter]: [String(value ?? '')] }, message }],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: `${PROBLEMS}/invalid-request`,
  });

/** X's JSON endpoints refuse a body of any other type (platform-apis.md §7.6), before reading it. */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (!req.is('application/json') && Number(req.get('content-length') ?? 0) + (req.get('transfer-encoding') ? 1 : 0) > 0) {
    return next(invalidRequest('Requests with bodies must have content-type of application/json.'));
  }
  next();
}

/** The inline `errors` entry of a 200 answer for an id that does not exist. */
export function resourceNotFound(id: string, resourceType: 'tweet' | 'user', parameter: string): Record<string, string> {
  return {
    value: id,
    detail: `Could not find ${resourceType} with ${parameter}: [${id}].`,
    parameter,
    resource_id: id,
    resource_type: resourceType,
    title: 'Not Found Error',
    type: `${PROBLEMS}/resource-not-found`,
  };
}

/** A 5xx as X answers it when the service is down. */
export const serviceUnavailable = (): XProblem =>
  new XProblem(503, { title: 'Service Unavailable', detail: 'Service Unavailable', type: 'about:blank', status: 503 });
