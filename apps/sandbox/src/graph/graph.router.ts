import type { RequestHandler } from 'express';
import type { SandboxContext } from '../sandbox.options.js';
import { expiredToken, GraphApiError, invalidToken, missingToken, noPermission, nonexistingField, unknownObject, unknownPath } from './graph.errors.js';
import { type GraphRoute, ownedBy, readParams, readToken, resolveNode } from './graph-request.js';
import { instagramPublishingRoutes } from './instagram-publishing.routes.js';
import { instagramMediaRoutes } from './instagram-media.routes.js';
import { facebookRoutes } from './facebook.routes.js';

/** `/{version}/{id}` or `/{version}/{id}/{edge}`, any v<major>.<minor>. */
const VERSION_PREFIX = /^\/v\d+\.\d+\//;
const GRAPH_PATH = /^\/(v\d+\.\d+)\/([^/]+)(?:\/([^/]+))?\/?$/;
const ROUTES: readonly GraphRoute[] = [...instagramPublishingRoutes, ...instagramMediaRoutes, ...facebookRoutes];
const NODE_TYPES: Readonly<Record<GraphRoute['kind'], string>> = {
  'ig-user': 'IGUser',
  'fb-page': 'Page',
  'ig-container': 'ShadowIGMediaBuilder',
  'ig-media': 'IGMedia',
  'fb-post': 'Post',
};

/**
 * The Meta Graph emulation: token → node → permission → route, in the order Graph checks them, every failure in
 * Graph's error envelope. Requests outside `/v*.*` fall through to the next handler.
 */
export function graphRouter(ctx: SandboxContext): RequestHandler {
  return async (req, res, next) => {
    if (!VERSION_PREFIX.test(req.path)) {
      next();
      return;
    }
    const match = GRAPH_PATH.exec(req.path);
    try {
      if (match === null) throw unknownPath(req.path.split('/').slice(2).join('/'));
      const [, version, objectId, edge] = match;
      const params = readParams(req);
      const token = readToken(req, params);
      if (token === null) throw missingToken();
      const holders = ctx.state.accountsWithToken(token, ['instagram', 'facebook']);
      if (holders.length === 0) throw invalidToken();
      const tokenOwners = holders.filter((a) => a.tokenExpiresAt === undefined || a.tokenExpiresAt > ctx.now());
      if (tokenOwners.length === 0) throw expiredToken(Math.max(...holders.map((a) => a.tokenExpiresAt ?? 0)), ctx.now());
      const node = resolveNode(ctx.state, decodeURIComponent(objectId), tokenOwners);
      if (node === null) throw unknownObject(objectId, req.method);
      if (!ownedBy(node, tokenOwners)) throw noPermission(node.owner.platform === 'instagram' ? 10 : 200);
      const route = ROUTES.find((r) => r.method === req.method && r.kind === node.kind && r.edge === (edge ?? null));
      if (route === undefined) {
        if (edge === undefined || req.method !== 'GET') throw unknownObject(objectId, req.method);
        throw nonexistingField(edge, NODE_TYPES[node.kind]);
      }
      const body = await route.handle({ ctx, version, params, origin: `${req.protocol}://${req.get('host') ?? 'localhost'}` }, node);
      res.json(body);
    } catch (error) {
      if (!(error instanceof GraphApiError)) {
        next(error);
        return;
      }
      res.status(error.status).json(error.body(ctx.state.ids.trace()));
    }
  };
}
