import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { loadSettings, type Settings } from '@app/config';
import { type PlatformCredentials, PlatformError, type PublishRequest } from '@app/platforms';

/** Settings for the real platform clients pointed at `origin` (a sandbox); the app's secrets are irrelevant here. */
export function platformSettings(origin: string, extra: Record<string, string> = {}): Settings['platforms'] {
  const secrets = { JWT_SECRET: 'x'.repeat(40), TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') };
  return loadSettings({ ...secrets, META_GRAPH_BASE_URL: `${origin}/v25.0`, X_API_BASE_URL: origin, INSTAGRAM_CONTAINER_POLL_MS: '20', ...extra }).platforms;
}

/** The PlatformError a call fails with; anything else (or success) fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<PlatformError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PlatformError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

export interface ImageHost {
  url: string;
  portrait: Buffer;
  close(): Promise<void>;
}

/** A publish request with the image host's portrait JPEG and no checkpoint; the checkpoints it is given are kept. */
export function publishRequest(images: ImageHost, credentials: PlatformCredentials, caption: string, overrides: Partial<PublishRequest> = {}): PublishRequest & { checkpoints: string[] } {
  const checkpoints: string[] = [];
  return {
    credentials,
    caption,
    image: { url: `${images.url}/portrait.jpg`, read: async () => images.portrait },
    checkpoint: null,
    beforeWrite: async () => undefined,
    onCheckpoint: async (checkpoint) => {
      checkpoints.push(checkpoint);
    },
    checkpoints,
    ...overrides,
  };
}

/** Stands in for the API's public media URL: Meta downloads the image from here itself. */
export async function startImageHost(): Promise<ImageHost> {
  const jpeg = (width: number, height: number): Promise<Buffer> =>
    sharp({ create: { width, height, channels: 3, background: '#c0392b' } }).jpeg({ quality: 80 }).toBuffer();
  const files: Record<string, { type: string; bytes: Buffer }> = {
    '/portrait.jpg': { type: 'image/jpeg', bytes: await jpeg(1080, 1350) },
    '/wide.jpg': { type: 'image/jpeg', bytes: await jpeg(1500, 500) },
    '/square.png': { type: 'image/png', bytes: await sharp({ create: { width: 1080, height: 1080, channels: 3, background: '#2980b9' } }).png().toBuffer() },
  };
  const server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (file === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.type, 'content-length': file.bytes.length }).end(file.bytes);
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, portrait: files['/portrait.jpg'].bytes, close: () => closeServer(server) };
}

export function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
