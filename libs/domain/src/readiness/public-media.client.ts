import { Injectable } from '@nestjs/common';
import axios, { isAxiosError } from 'axios';
import sharp from 'sharp';
import { InjectSettings, type Settings } from '@app/config';

/** A rendition as its public URL serves it, described from the bytes (never from the URL or headers alone). */
export interface ServedImage {
  /** From the content: `image/jpeg`, `image/png`, ... */
  readonly mimeType: string;
  readonly bytes: number;
  readonly width: number;
  readonly height: number;
}

export type MediaFetchFailure =
  | { readonly kind: 'http_status'; readonly status: number }
  | { readonly kind: 'timeout'; readonly timeoutMs: number }
  | { readonly kind: 'network'; readonly code: string }
  /** Answered 200, but not with an image (an HTML error page, a wrong content-type, undecodable bytes). */
  | { readonly kind: 'not_image'; readonly contentType: string | null }
  | { readonly kind: 'too_large'; readonly maxBytes: number };

export type MediaFetchResult = { readonly ok: true; readonly image: ServedImage } | { readonly ok: false; readonly failure: MediaFetchFailure };

/** Far above any platform's limit (X 5 MB, Instagram 8 MB, Facebook 10 MB): only a guard against unbounded downloads. */
export const MAX_PROBE_BYTES = 50 * 1024 * 1024;

/**
 * Downloads a public media URL the way Meta does before it publishes (it fetches `image_url` itself), so the
 * readiness check sees what the platform will see: the status, the content-type and the actual bytes.
 */
@Injectable()
export class PublicMediaClient {
  private readonly timeoutMs: number;

  constructor(@InjectSettings() settings: Settings) {
    this.timeoutMs = settings.platforms.requestTimeoutMs;
  }

  async fetch(url: string): Promise<MediaFetchResult> {
    let status: number;
    let contentType: string | null;
    let body: Buffer;
    try {
      const response = await axios.get<ArrayBuffer>(url, {
        responseType: 'arraybuffer',
        timeout: this.timeoutMs,
        maxContentLength: MAX_PROBE_BYTES,
        validateStatus: () => true,
      });
      status = response.status;
      const header: unknown = response.headers['content-type'];
      contentType = typeof header === 'string' ? header : null;
      body = Buffer.from(response.data);
    } catch (error) {
      return { ok: false, failure: this.requestFailure(error) };
    }
    if (status !== 200) return { ok: false, failure: { kind: 'http_status', status } };
    if (contentType === null || !/^image\//i.test(contentType)) return { ok: false, failure: { kind: 'not_image', contentType } };
    const image = await describe(body);
    return image === null ? { ok: false, failure: { kind: 'not_image', contentType } } : { ok: true, image };
  }

  private requestFailure(error: unknown): MediaFetchFailure {
    const code = isAxiosError(error) ? error.code : undefined;
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') return { kind: 'timeout', timeoutMs: this.timeoutMs };
    if (code === 'ERR_BAD_RESPONSE' && isAxiosError(error) && /maxContentLength/i.test(error.message)) return { kind: 'too_large', maxBytes: MAX_PROBE_BYTES };
    return { kind: 'network', code: code ?? (error instanceof Error ? error.message : 'unknown') };
  }
}

async function describe(bytes: Buffer): Promise<ServedImage | null> {
  try {
    const meta = await sharp(bytes).metadata();
    if (!meta.format || !meta.width || !meta.height) return null;
    return { mimeType: `image/${meta.format}`, bytes: bytes.length, width: meta.width, height: meta.height };
  } catch {
    return null;
  }
}
