import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { MediaStorage } from '@app/database';
import { mediaUrl } from '@app/domain';
import { startTestApi, type TestApi } from '../support/test-api.js';

/** The photos Instagram and Facebook download for each post, served from MEDIA_DIR by key and nothing else. */
describe('media serving', () => {
  let t: TestApi;
  let key: string;
  let photo: Buffer;

  beforeAll(async () => {
    t = await startTestApi();
    const storage = t.api.get(MediaStorage);
    key = storage.newKey('jpg');
    photo = await sharp({ create: { width: 1080, height: 1350, channels: 3, background: '#a52' } }).jpeg().toBuffer();
    await storage.write(key, photo);
  });

  afterAll(async () => {
    await t?.close();
  });

  const base = () => t.env.settings.api.publicBaseUrl;

  it('serves a rendition by its key, cacheable for good, and answers a conditional request with 304', async () => {
    const response = await fetch(mediaUrl(t.env.settings, key));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('cache-control')).toMatch(/immutable/);
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(Buffer.from(await response.arrayBuffer()).equals(photo)).toBe(true);
    const etag = response.headers.get('etag');
    expect(etag).toBeTruthy();
    // Explicit cache-control: fetch would add `no-cache` to a conditional request, which forbids the 304.
    const again = await fetch(mediaUrl(t.env.settings, key), { headers: { 'if-none-match': etag!, 'cache-control': 'max-age=0' } });
    expect(again.status).toBe(304);
    const part = await fetch(mediaUrl(t.env.settings, key), { headers: { range: 'bytes=0-9' } });
    expect(part.status).toBe(206);
    expect((await part.arrayBuffer()).byteLength).toBe(10);
    // What the client asked for cannot be met: its own status, not a server error.
    const pastTheEnd = await fetch(mediaUrl(t.env.settings, key), { headers: { range: 'bytes=99999999-' } });
    expect(pastTheEnd.status).toBe(416);
    expect(pastTheEnd.headers.get('content-range')).toBe(`bytes */${photo.length}`);
    expect((await fetch(mediaUrl(t.env.settings, key), { headers: { 'if-match': '"another"' } })).status).toBe(412);
    const head = await fetch(mediaUrl(t.env.settings, key), { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, String(photo.length)]);
  });

  it('answers 404 for a key without a file and for anything under MEDIA_DIR that is not a key', async () => {
    const missing = await fetch(mediaUrl(t.env.settings, t.api.get(MediaStorage).newKey('jpg')));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'media_not_found' });
    // Files under MEDIA_DIR that are no media key (a temp file left by a write, another case, another name), and
    // climbs out of the folder: none is served, though the first three exist.
    const storage = t.api.get(MediaStorage);
    const notKeys = [`${key}.tmp`, key.toUpperCase(), `${key.slice(0, 2)}/notes.txt`];
    for (const path of notKeys) {
      await mkdir(dirname(join(storage.root, path)), { recursive: true });
      await writeFile(join(storage.root, path), photo);
    }
    for (const path of [...notKeys, '..%2F..%2Fpackage.json', `${key.slice(0, 2)}/..%2F..%2F..%2Fpackage.json`]) {
      expect([path, (await fetch(`${base()}/api/media/${path}`)).status]).toEqual([path, 404]);
    }
  });
});
