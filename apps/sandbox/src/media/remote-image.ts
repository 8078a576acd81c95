import sharp from 'sharp';

export interface RemoteImage {
  readonly bytes: number;
  /** sharp's name: jpeg, png, webp, gif, tiff, ... */
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

/** Format and size from the content, never from the URL or content-type. */
export async function describeImage(bytes: Buffer): Promise<RemoteImageResult> {
  try {
    const meta = await sharp(bytes).metadata();
    if (meta.width === undefined || meta.height === undefined) throw new Error('no dimensions');
    return { ok: true, image: { bytes: bytes.length, format: meta.format, width: meta.width, height: meta.height } };
  } catch (error) {
    return { ok: false, problem: 'unreadable', detail: error instanceof Error ? error.message : String(error) };
  }
}
