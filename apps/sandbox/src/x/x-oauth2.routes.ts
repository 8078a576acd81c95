import type { Request, Response, Router } from 'express';
import type { SandboxContext } from '../sandbox.options.js';

/** The scopes a publishing app asks for (platform-apis.md §4.3); offline.access is what makes refresh tokens. */
const SCOPE = 'tweet.read tweet.write users.read offline.access media.write';

/**
 * POST /2/oauth2/token with grant_type=refresh_token (platform-apis.md §4.3). X documents a form body and
 * twitter-api-v2 sends JSON (§0.1): both are accepted. The app names itself with client_id in the body or, as a
 * confidential client, with HTTP Basic auth. Errors are OAuth 2.0 JSON (`error`, `error_description`), not Problem
 * JSON. Each renewal rotates the refresh token: the one sent is refused from then on.
 */
export function xOAuth2Routes(router: Router, ctx: SandboxContext): void {
  router.post('/oauth2/token', (req, res) => {
    const body: Record<string, unknown> = typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
    const param = (key: string): string | undefined => (typeof body[key] === 'string' && body[key] !== '' ? String(body[key]) : undefined);
    if ((param('client_id') ?? basicClientId(req)) === undefined) return oauthError(res, 'Missing required parameter [client_id].');
    const grantType = param('grant_type');
    if (grantType === undefined) return oauthError(res, 'Missing required parameter [grant_type].');
    // The authorization-code grant needs a browser and a user: accounts come from the control API instead.
    if (grantType !== 'refresh_token') return oauthError(res, 'Value passed for the grant_type was invalid.');
    const refreshToken = param('refresh_token');
    if (refreshToken === undefined) return oauthError(res, 'Missing required parameter [refresh_token].');
    const renewed = ctx.state.renewXToken(refreshToken);
    if (renewed === undefined) return oauthError(res, 'Value passed for the token was invalid.');
    res.json({ token_type: 'bearer', expires_in: renewed.expiresInSeconds, access_token: renewed.accessToken, scope: SCOPE, refresh_token: renewed.refreshToken });
  });
}

function oauthError(res: Response, description: string): void {
  res.status(400).json({ error: 'invalid_request', error_description: description });
}

/** The client id of `Authorization: Basic base64(urlencode(id):urlencode(secret))`, as twitter-api-v2 sends it. */
function basicClientId(req: Request): string | undefined {
  const encoded = /^Basic\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
  if (encoded === undefined) return undefined;
  const [id] = Buffer.from(encoded, 'base64').toString('utf8').split(':');
  try {
    return id === '' ? undefined : decodeURIComponent(id);
  } catch {
    return undefined;
  }
}
