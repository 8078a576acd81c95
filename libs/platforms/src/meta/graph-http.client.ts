import type { Platform } from '@app/config';
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, isAxiosError } from 'axios';
import { isRecord, networkErrorCode, type PlatformOperation, refusedAfterSlowWrite } from '../network-failure.mapper.js';
import { classifyGraphFailure, type GraphFailure } from './graph-error.mapper.js';

export type GraphParams = Readonly<Record<string, string>>;

/**
 * Thin axios wrapper shared by the Instagram and Facebook clients: one base URL (versioned), one timeout, the token
 * as a Bearer header (never in the URL, so it cannot end up in access logs), every failure turned into a PlatformError.
 */
export class GraphHttpClient {
  readonly apiVersion: string;
  private readonly http: AxiosInstance;

  constructor(
    private readonly platform: Platform,
    baseUrl: string,
    timeoutMs: number,
  ) {
    this.apiVersion = /\/(v\d+\.\d+)(?:\/|$)/.exec(baseUrl)?.[1] ?? 'unversioned';
    // Kept-alive connections, and no redirect following: Graph API calls never redirect, and axios's redirect
    // wrapper (follow-redirects) was 7% of the worker's CPU in the publishing bench.
    const agent = { keepAlive: true };
    this.http = axios.create({
      baseURL: baseUrl,
      timeout: timeoutMs,
      responseType: 'json',
      maxRedirects: 0,
      httpAgent: new http.Agent(agent),
      httpsAgent: new https.Agent(agent),
    });
  }

  get(path: string, params: GraphParams, token: string): Promise<unknown> {
    return this.send('read', () => this.http.get<unknown>(path, { params, headers: bearer(token) }));
  }

  /** POSTs are writes unless the caller says otherwise. */
  post(path: string, body: GraphParams, token: string, operation: PlatformOperation = 'write'): Promise<unknown> {
    return this.send(operation, () => this.http.post<unknown>(path, body, { headers: bearer(token) }));
  }

  private async send(operation: PlatformOperation, call: () => Promise<{ data: unknown }>): Promise<unknown> {
    const started = performance.now();
    try {
      return (await call()).data;
    } catch (error) {
      // Only the classified error leaves: the axios error carries the request config, token included.
      throw refusedAfterSlowWrite(classifyGraphFailure(this.platform, toGraphFailure(error), operation), operation, performance.now() - started);
    }
  }
}

/** `/a/b` from raw ids, each escaped. */
export function graphPath(...segments: string[]): string {
  return `/${segments.map(encodeURIComponent).join('/')}`;
}

/** The `id` of a Graph write's answer, or null when it has none. */
export function readGraphId(body: unknown): string | null {
  return isRecord(body) && typeof body.id === 'string' && body.id !== '' ? body.id : null;
}

function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

export function toGraphFailure(error: unknown): GraphFailure {
  if (isAxiosError(error) && error.response) {
    return { httpStatus: error.response.status, body: error.response.data, headers: plainHeaders(error.response.headers) };
  }
  return { networkCode: networkErrorCode(error) };
}

function plainHeaders(headers: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (!isRecord(headers)) return out;
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') out[name.toLowerCase()] = value;
  }
  return out;
}
