import type { Platform } from '@app/config';
import type { Request } from 'express';
import { type GraphNode, resolveNode } from '../graph/graph-request.js';
import type { SandboxState } from '../state/sandbox-state.js';
import type { FaultEndpoint } from './fault-rule.dto.js';

/** What a platform request is, in the fault rules' vocabulary; `other` matches only rules for `any`. */
export interface FaultTarget {
  readonly platform: Platform;
  readonly endpoint: Exclude<FaultEndpoint, 'any'> | 'other';
  /** The account whose object the request touches (Graph) or whose token it carries (X), if known. */
  readonly accountId?: string;
  /** Graph: the id the request addresses (an IG user, Page, container...), so a fault can change that object. */
  readonly objectId?: string;
}

const GRAPH_PATH = /^\/v\d+\.\d+\/([^/]+)(?:\/([^/]+))?\/?$/;
const X_OAUTH2_TOKEN = /^\/2\/oauth2\/token\/?$/;
const X_MEDIA_UPLOAD = /^\/2\/media\/upload(?:\/initialize|\/[^/]+\/(?:append|finalize))?\/?$/;

/** Classifies a Graph or X request; null for anything else (including Graph ids the sandbox does not know). */
export function faultTarget(req: Request, state: SandboxState): FaultTarget | null {
  const graph = GRAPH_PATH.exec(req.path);
  if (graph !== null) return graphTarget(req.method, safeDecode(graph[1]), graph[2], state);
  if (req.path.startsWith('/2/')) return xTarget(req, state);
  return null;
}

function graphTarget(method: string, objectId: string, edge: string | undefined, state: SandboxState): FaultTarget | null {
  const node = resolveNode(state, objectId, []);
  if (node === null) return null;
  const { platform, id: accountId } = node.owner;
  return { platform, endpoint: graphEndpoint(method, node, edge), accountId, objectId };
}

function graphEndpoint(method: string, node: GraphNode, edge: string | undefined): FaultTarget['endpoint'] {
  const call = `${method} ${node.kind}${edge === undefined ? '' : `/${edge}`}`;
  switch (call) {
    case 'POST ig-user/media':
      return 'ig.create_container';
    case 'GET ig-container':
      return 'ig.container_status';
    case 'POST ig-user/media_publish':
      return 'ig.media_publish';
    case 'GET ig-user/content_publishing_limit':
      return 'ig.publishing_limit';
    case 'POST fb-page/photos':
      return 'fb.photos';
    default:
      return 'other';
  }
}

function xTarget(req: Request, state: SandboxState): FaultTarget {
  if (req.method === 'POST' && X_OAUTH2_TOKEN.test(req.path)) {
    // A renewal names its account by the refresh token it sends, not by a user token.
    const body: unknown = req.body;
    const refreshToken = typeof body === 'object' && body !== null ? Reflect.get(body, 'refresh_token') : undefined;
    const accountId = typeof refreshToken === 'string' ? state.xAccountForRefreshToken(refreshToken)?.id : undefined;
    return { platform: 'x', endpoint: 'x.oauth2_token', ...(accountId === undefined ? {} : { accountId }) };
  }
  const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
  const accountId = token === undefined ? undefined : (state.accountsWithToken(token, ['x'])[0] ?? state.xAccountForToken(token))?.id;
  const endpoint =
    X_MEDIA_UPLOAD.test(req.path) && (req.method === 'POST' || req.method === 'GET')
      ? 'x.media_upload'
      : req.method === 'POST' && /^\/2\/tweets\/?$/.test(req.path)
        ? 'x.create_tweet'
        : 'other';
  return { platform: 'x', endpoint, ...(accountId === undefined ? {} : { accountId }) };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
