import { imageSize } from 'image-size';

export interface RemoteImage {
  readonly bytes: number;
  /** jpeg, png, webp, gif, tiff, ... */
  readonly format: string;
  readonly width: number;
  readonly height: number;
}

export type RemoteImageResult =
  | { readonly ok: true; readonly image: RemoteImage }
  | { readonly ok: false; readonly problem: 'unreachable' | 'too-large' | 'unreadable'; readonly detail: string };

/** Downloads a media URL the way Meta does (it cURLs image_url / url itself) and reads what the bytes really are. */
export async function fetchRemoteImage(url: string, maxBytes: number, timeoutMs: number): Promise<RemoteImageResult> {
  let response: Response;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { ok: false, problem: 'unreachable', detail: 'not an http(s) URL' };
    response = await fetch(parsed, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    return { ok: false, problem: 'unreachable', detail: error instanceof Error ? error.message : String(error) };
  }
  if (!response.ok) {
    await response.body?.cancel();
    return { ok: false, problem: 'unreachable', detail: `HTTP ${response.status}` };
  }
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    return { ok: false, problem: 'too-large', detail: `${declared} bytes` };
  }
  let bytes: Buffer;
  try {
    bytes = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    return { ok: false, problem: 'unreachable', detail: error instanceof Error ? error.message : String(error) };
  }
  if (bytes.length > maxBytes) return { ok: false, problem: 'too-large', detail: `${bytes.length} bytes` };
  return describeImage(bytes);
}

/**
 * Format and size from the content, never from the URL or content-type, read from the image's header: what the
 * sandbox checks needs no decoding, and a header read takes a few microseconds of CPU against about 0.2 ms for sharp's
 * metadata (measured on a 1080×1350 JPEG), which counted in the publishing bench, where the sandbox shares the machine
 * with the pipeline it measures.
 */
export function describeImage(bytes: Buffer): RemoteImageResult {
  try {
    // Throws for anything it cannot read; what it returns always names its type.
    const { width, height, type = 'unknown' } = imageSize(bytes);
    return { ok: true, image: { bytes: bytes.length, format: type === 'jpg' ? 'jpeg' : type, width, height } };
  } catch (error) {
    return { ok: false, problem: 'unreadable', detail: error instanceof Error ? error.message : String(error) };
  }
}
