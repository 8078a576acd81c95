import { Router } from 'express';
import { type Platform, PLATFORMS } from '@app/config';
import type { SandboxContext } from '../sandbox.options.js';
import { DEFAULT_FOLLOWERS } from '../state/sandbox-state.js';

/**
 * /__sandbox: what tests and the demo seeder use to set the emulator up and look inside it. Not part of any
 * platform's API. Fault-injection rules will be configured here too (see faults/fault-injector.ts).
 */
export function controlRouter(ctx: SandboxContext): Router {
  const router = Router();

  router.get('/health', (_req, res) => {
    res.json({ ok: true });
  });

  /** Registers or replaces an account (idempotent): `{ platform, id, token, username?, followers? }`. */
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
    if (platform === undefined || id === undefined || token === undefined || problems.length > 0) {
      res.status(400).json({ problems });
      return;
    }
    const account = { platform, id, token, username: text('username') ?? `${platform}_${id}`, followers: followers ?? DEFAULT_FOLLOWERS[platform] };
    ctx.state.upsertAccount(account);
    // The token is the caller's own; it is not echoed back so it cannot leak into logs of the response.
    res.json({ account: { platform, id, username: account.username, followers: account.followers } });
  });

  /** What was published: `?platform=&account=`, oldest first. */
  router.get('/posts', (req, res) => {
    const platform = PLATFORMS.find((p): p is Platform => p === req.query.platform);
    const accountId = typeof req.query.account === 'string' && req.query.account !== '' ? req.query.account : undefined;
    const posts = ctx.state.listPosts({ platform, accountId }).map((p) => ({
      platform: p.platform,
      accountId: p.accountId,
      id: p.id,
      text: p.text,
      ...(p.imageUrl === undefined ? {} : { imageUrl: p.imageUrl }),
      imageBytes: p.imageBytes,
      createdAt: new Date(p.createdAt).toISOString(),
    }));
    res.json({ posts });
  });

  router.post('/reset', (_req, res) => {
    ctx.state.reset();
    ctx.faults.reset();
    res.json({ ok: true });
  });

  return router;
}
