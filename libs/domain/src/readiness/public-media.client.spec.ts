import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import type { Settings } from '@app/config';
import { PublicMediaClient } from './public-media.client.js';

/** The client against a real local HTTP server: what Meta would get from the same URL. */
describe('PublicMediaClient', () => {
  let server: Server;
  let origin: string;
  let jpeg: Buffer;
  const client = new PublicMediaClient({ platforms: { requestTimeoutMs: 300 } } as Settings);

  beforeAll(async () => {
    jpeg = await sharp({ create: { width: 1080, height: 1350, channels: 3, background: '#2874a6' } }).jpeg().toBuffer();
    server = createServer((req, res) => {
      if (req.url === '/ok.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg);
      else if (req.url === '/login') res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Masuk dulu</html>');
      else if (req.url === '/broken.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg.subarray(0, 20));
      else if (req.url === '/slow.jpg') setTimeout(() => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg), 2_000).unref();
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"media_not_found"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('describes the served image from its bytes', async () => {
    expect(await client.fetch(`${origin}/ok.jpg`)).toEqual({ ok: true, image: { mimeType: 'image/jpeg', bytes: jpeg.length, width: 1080, height: 1350 } });
  });

  it('tells a missing file, a page that is not an image, undecodable bytes and no answer apart', async () => {
    expect(await client.fetch(`${origin}/gone.jpg`)).toEqual({ ok: false, failure: { kind: 'http_status', status: 404 } });
    expect(await client.fetch(`${origin}/login`)).toEqual({ ok: false, failure: { kind: 'not_image', contentType: 'text/html' } });
    expect(await client.fetch(`${origin}/broken.jpg`)).toEqual({ ok: false, failure: { kind: 'not_image', contentType: 'image/jpeg' } });
    expect(await client.fetch(`${origin}/slow.jpg`)).toEqual({ ok: false, failure: { kind: 'timeout', timeoutMs: 300 } });
  });

  it('reports a refused connection by its code', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await client.fetch(`http://127.0.0.1:${port}/x.jpg`)).toEqual({ ok: false, failure: { kind: 'network', code: 'ECONNREFUSED' } });
  });
});
