import { type Request, Router } from 'express';
import { type Platform, PLATFORMS } from '@app/config';
import type { SandboxContext } from '../sandbox.options.js';
import { DEFAULT_FOLLOWERS, sameTextKey, type SandboxPost, X_TOKEN_LIFETIME_MS } from '../state/sandbox-state.js';
import { faultRoutes } from './fault.routes.js';

/**
 * /__sandbox: what tests and the demo seeder use to set the emulator up and look inside it. Not part of any
 * platform's API. Fault-injection rules: fault.routes.ts.
 */
export function controlRouter(ctx: SandboxContext): Router {
  const router = Router();

  router.get('/health', (_req, res) => {
    res.json({ ok: true });
  });

  /**
   * Registers or replaces an account (idempotent): `{ platform, id, token, username?, followers?, tokenExpiresAt?,
   * refreshToken? }`. The token never expires unless `tokenExpiresAt` (ISO 8601) says when; an X account with a
   * `refreshToken` has an OAuth 2.0 token like X issues, expiring two hours after registration unless told otherwise.
   */
  router.post('/accounts', (req, res) => {
    const body: Record<string, unknown> = typeof req.body === 'object' && req.body !== null ? req.body : {};
    const problems: string[] = [];
    const platform = PLATFORMS.find((p) => p === body.platform);
    if (platform === undefined) problems.push(`platform must be one of ${PLATFORMS.join(', ')}`);
    const text = (key: string): string | undefined => (typeof body[key] === 'string' && body[key] !== '' ? String(body[key]) : undefined);
    const id = text('id');
    const token = text('token');
    if (id === undefined) problems.push('id must be a non-empty string');
    if (token === undefined) problems.push('token must be a non-empty string');
    const followers = body.followers === undefined ? undefined : Number(body.followers);
    if (followers !== undefined && !(Number.isInteger(followers) && followers >= 0)) problems.push('followers must be a non-negative integer');
    const expiresAt = body.tokenExpiresAt === undefined ? undefined : typeof body.tokenExpiresAt === 'string' ? Date.parse(body.tokenExpiresAt) : Number.NaN;
    if (Number.isNaN(expiresAt)) problems.push('tokenExpiresAt, when given, must be an ISO 8601 date-time');
    const refreshToken = text('refreshToken');
    if (body.refreshToken !== undefined && (refreshToken === undefined || platform !== 'x')) problems.push('refreshToken, when given, must be a non-empty string, for platform x only');
    if (platform === undefined || id === undefined || token === undefined || problems.length > 0) {
      res.status(400).json({ problems });
      return;
    }
    const tokenExpiresAt = expiresAt ?? (refreshToken === undefined ? undefined : ctx.now() + X_TOKEN_LIFETIME_MS);
    const account = {
      platform,
      id,
      token,
      username: text('username') ?? `${platform}_${id}`,
      followers: followers ?? DEFAULT_FOLLOWERS[platform],
      ...(tokenExpiresAt === undefined ? {} : { tokenExpiresAt }),
      ...(refreshToken === undefined ? {} : { refreshToken }),
    };
    ctx.state.upsertAccount(account);
    // The tokens are the caller's own; they are not echoed back so they cannot leak into logs of the response.
    const expiry = tokenExpiresAt === undefined ? {} : { tokenExpiresAt: new Date(tokenExpiresAt).toISOString() };
    res.json({ account: { platform, id, username: account.username, followers: account.followers, ...expiry } });
  });

  /**
   * The account's token expires at `at` (ISO 8601; default now): Graph then answers 190/463, X a 401. Registering the
   * account again (POST /accounts) gives it a fresh token.
   */
  router.post('/accounts/:platform/:id/expire-token', (req, res) => {
    const platform = PLATFORMS.find((p) => p === req.params.platform);
    const body: Record<string, unknown> = typeof req.body === 'object' && req.body !== null ? req.body : {};
    const at = body.at === undefined ? ctx.now() : typeof body.at === 'string' ? Date.parse(body.at) : Number.NaN;
    if (platform === undefined || Number.isNaN(at)) {
      res.status(400).json({ problems: [`platform must be one of ${PLATFORMS.join(', ')}; at, when given, an ISO 8601 date-time`] });
      return;
    }
    if (!ctx.state.expireToken(platform, String(req.params.id), at)) {
      res.status(404).json({ problems: [`no ${platform} account ${String(req.params.id)}`] });
      return;
    }
    res.json({ account: { platform, id: String(req.params.id), tokenExpiresAt: new Date(at).toISOString() } });
  });

  /**
   * Sets how much of Instagram's 24 h content-publishing quota the account has used (`{ used }`), as if another app had
   * published that many posts just now; they age out of the rolling window like real ones.
   */
  router.post('/accounts/instagram/:id/quota-usage', (req, res) => {
    const id = String(req.params.id);
    const body: Record<string, unknown> = typeof req.body === 'object' && req.body !== null ? req.body : {};
    const used = Number(body.used);
    if (!Number.isInteger(used) || used < 0) {
      res.status(400).json({ problems: ['used must be a non-negative integer'] });
      return;
    }
    if (ctx.state.account('instagram', id) === undefined) {
      res.status(404).json({ problems: [`no instagram account ${id}`] });
      return;
    }
    const usage = ctx.state.setInstagramQuotaUsage(id, used, ctx.now());
    res.json({ quota: { used: usage, total: ctx.instagramQuotaTotal } });
  });

  /**
   * What was published: `?platform=&account=`, oldest first, including posts whose answer a fault dropped.
   * `sameTextCount`: how many posts of the account carry this text (1 = no duplicate; see /duplicates).
   */
  router.get('/posts', (req, res) => {
    const filter = postFilter(req.query);
    const sameText = new Map(ctx.state.duplicateGroups(filter).flatMap((group) => group.map((p) => [postKey(p), group.length] as const)));
    const posts = ctx.state.listPosts(filter).map((p) => ({
      platform: p.platform,
      accountId: p.accountId,
      id: p.id,
      text: p.text,
      ...(p.imageUrl === undefined ? {} : { imageUrl: p.imageUrl }),
      imageBytes: p.imageBytes,
      createdAt: new Date(p.createdAt).toISOString(),
      sameTextCount: sameText.get(postKey(p)) ?? 1,
    }));
    res.json({ posts });
  });

  /** Double posts from the platform's point of view (`?platform=&account=`): `{ duplicates: [{ ..., count, postIds }] }`. */
  router.get('/duplicates', (req, res) => {
    const duplicates = ctx.state.duplicateGroups(postFilter(req.query)).map((group) => ({
      platform: group[0].platform,
      accountId: group[0].accountId,
      text: sameTextKey(group[0].text),
      count: group.length,
      postIds: group.map((p) => p.id),
    }));
    res.json({ duplicates });
  });

  router.use(faultRoutes(ctx));

  router.post('/reset', (_req, res) => {
    ctx.state.reset();
    ctx.faults.reset();
    res.json({ ok: true });
  });

  return router;
}

function postFilter(query: Request['query']): { platform?: Platform; accountId?: string } {
  const platform = PLATFORMS.find((p): p is Platform => p === query.platform);
  const accountId = typeof query.account === 'string' && query.account !== '' ? query.account : undefined;
  return { platform, accountId };
}

function postKey(post: SandboxPost): string {
  return `${post.platform}:${post.id}`;
}
