import type { Request } from 'express';
import type { SandboxContext } from '../sandbox.options.js';
import type { IgContainer, SandboxAccount, SandboxPost, SandboxState } from '../state/sandbox-state.js';

export type GraphNode =
  | { readonly kind: 'ig-user'; readonly owner: SandboxAccount }
  | { readonly kind: 'fb-page'; readonly owner: SandboxAccount }
  | { readonly kind: 'ig-container'; readonly owner: SandboxAccount; readonly container: IgContainer }
  | { readonly kind: 'ig-media'; readonly owner: SandboxAccount; readonly post: SandboxPost }
  | { readonly kind: 'fb-post'; readonly owner: SandboxAccount; readonly post: SandboxPost };

export type GraphNodeKind = GraphNode['kind'];
export type GraphParams = Readonly<Record<string, string>>;

export interface GraphCall {
  readonly ctx: SandboxContext;
  /** e.g. v25.0 */
  readonly version: string;
  /** Query, urlencoded and JSON body merged (body wins), all as strings like Graph sees them. */
  readonly params: GraphParams;
  /** http://host:port of this sandbox, for paging links. */
  readonly origin: string;
}

export interface GraphRoute {
  readonly method: 'GET' | 'POST';
  readonly kind: GraphNodeKind;
  /** null = the node itself. */
  readonly edge: string | null;
  readonly handle: (call: GraphCall, node: GraphNode) => unknown;
}

/** Declares a route for one node kind; the router only calls it with a node of that kind. */
export function graphRoute<K extends GraphNodeKind>(
  method: GraphRoute['method'],
  kind: K,
  edge: string | null,
  handle: (call: GraphCall, node: Extract<GraphNode, { kind: K }>) => unknown,
): GraphRoute {
  return { method, kind, edge, handle: (call, node) => handle(call, node as Extract<GraphNode, { kind: K }>) };
}

/** Graph takes parameters from the query string, an urlencoded body or a JSON body. */
export function readParams(req: Request): Record<string, string> {
  const params: Record<string, string> = {};
  const add = (source: unknown): void => {
    if (typeof source !== 'object' || source === null || Array.isArray(source)) return;
    for (const [key, value] of Object.entries(source)) {
      if (value === undefined || value === null) continue;
      if (Array.isArray(value)) params[key] = value.map(String).join(',');
      else params[key] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
  };
  add(req.query);
  add(req.body);
  return params;
}

/** `access_token` parameter, or `Authorization: Bearer|OAuth <token>`. */
export function readToken(req: Request, params: GraphParams): string | null {
  if (params.access_token) return params.access_token;
  const match = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  return match?.[1] ?? null;
}

/** What `id` names. When an id is ambiguous, the object the token may access wins. */
export function resolveNode(state: SandboxState, id: string, tokenOwners: readonly SandboxAccount[]): GraphNode | null {
  const candidates: GraphNode[] = [];
  const igUser = state.account('instagram', id);
  if (igUser) candidates.push({ kind: 'ig-user', owner: igUser });
  const page = state.account('facebook', id);
  if (page) candidates.push({ kind: 'fb-page', owner: page });
  const container = state.containers.get(id);
  const containerOwner = container && state.account('instagram', container.accountId);
  if (container && containerOwner) candidates.push({ kind: 'ig-container', owner: containerOwner, container });
  const media = state.post('instagram', id);
  const mediaOwner = media && state.account('instagram', media.accountId);
  if (media && mediaOwner) candidates.push({ kind: 'ig-media', owner: mediaOwner, post: media });
  const post = state.facebookPost(id);
  const postOwner = post && state.account('facebook', post.accountId);
  if (post && postOwner) candidates.push({ kind: 'fb-post', owner: postOwner, post });
  return candidates.find((node) => ownedBy(node, tokenOwners)) ?? candidates[0] ?? null;
}

export function ownedBy(node: GraphNode, tokenOwners: readonly SandboxAccount[]): boolean {
  return tokenOwners.some((a) => a.platform === node.owner.platform && a.id === node.owner.id);
}
