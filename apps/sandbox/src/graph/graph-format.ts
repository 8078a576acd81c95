import { nonexistingField } from './graph.errors.js';

/** Graph's timestamp style: ISO-8601 UTC with a `+0000` offset and no milliseconds (2026-05-04T09:00:03+0000). */
export function graphTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

/** Splits `fields` at top-level commas: `reactions.summary(true),comments.summary(true),shares`. */
export function parseFields(raw: string | undefined, fallback: readonly string[]): string[] {
  if (raw === undefined || raw.trim() === '') return [...fallback];
  const fields: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of raw) {
    if (char === '(' || char === '{') depth += 1;
    if (char === ')' || char === '}') depth -= 1;
    if (char === ',' && depth === 0) {
      fields.push(current.trim());
      current = '';
    } else {
      current += char;
    }
  }
  fields.push(current.trim());
  return fields.filter((f) => f !== '');
}

/** `reactions.summary(true)` → `reactions`. */
export function fieldName(field: string): string {
  return /^[A-Za-z0-9_]+/.exec(field)?.[0] ?? field;
}

/**
 * Builds a node from the requested fields; an unknown field fails the whole request, as on Graph. A node that has an
 * id carries it whether or not it was asked for (Graph appends it: `{"status_code":"FINISHED","id":"…"}`).
 */
export function pickFields(
  requested: readonly string[],
  nodeType: string,
  readers: Readonly<Record<string, (field: string) => unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of requested) {
    const name = fieldName(field);
    const read = readers[name];
    if (read === undefined) throw nonexistingField(name, nodeType);
    const value = read(field);
    if (value !== undefined) out[name] = value;
  }
  const id = out.id === undefined ? readers.id?.('id') : undefined;
  if (id !== undefined) out.id = id;
  return out;
}

/** `limit` and an opaque `after` cursor, as on Graph's edges; `next` is absolute and carries no token. */
export function page<T>(
  items: readonly T[],
  params: Readonly<Record<string, string>>,
  edgeUrl: string,
): { items: T[]; paging?: Record<string, unknown> } {
  const limit = Math.min(100, Math.max(1, Number(params.limit) || 25));
  const start = params.after !== undefined ? Number(Buffer.from(params.after, 'base64url').toString()) || 0 : 0;
  const slice = items.slice(start, start + limit);
  if (slice.length === 0) return { items: [] };
  const cursor = (n: number): string => Buffer.from(String(n)).toString('base64url');
  const cursors = { before: cursor(start), after: cursor(start + slice.length) };
  const next = new URLSearchParams(Object.entries(params).filter(([key]) => key !== 'access_token'));
  next.set('limit', String(limit));
  next.set('after', cursors.after);
  return { items: slice, paging: { cursors, ...(start + slice.length < items.length ? { next: `${edgeUrl}?${next}` } : {}) } };
}
