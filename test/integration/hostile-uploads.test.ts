import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { businessBody } from '../support/business-body.js';
import { startTestApi, type TestApi } from '../support/test-api.js';

/**
 * Hostile uploads to POST /api/businesses/:id/photos: each is refused with a 4xx (never a 5xx) and leaves no file
 * in the media directory, no media_asset row and the business's primary photo as it was. A valid JPEG with GPS
 * EXIF and a valid PNG are accepted (so "no file" is not vacuous), and the stored rendition carries no EXIF.
 */

const MB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------------------------
// Hand-made files.

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A well-formed PNG header announcing width × height RGB pixels, with only `rows` rows of (zero) pixel data
 * compressed in its IDAT: a few KB on the wire that would decode to width × height × 3 bytes.
 */
function pngBomb(width: number, height: number, rows: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // colour type: RGB
  // compression, filter, interlace: 0
  const scanline = 1 + width * 3; // filter byte + pixels
  const idat = deflateSync(Buffer.alloc(scanline * rows), { level: 9 });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), Buffer.alloc(4096, 0x90)]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const ZIP = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00]), Buffer.alloc(512, 0x41)]);
const TEXT = Buffer.from('Ini bukan foto. <script>alert(1)</script>\n');
const SVG = Buffer.from(
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="1200" height="1200">' +
    '<script type="text/javascript">alert(document.cookie)</script>' +
    '<rect width="1200" height="1200" fill="#e67e22" onload="alert(1)"/></svg>',
);

/** A photo-like image (noise compresses badly, so a JPEG of it has a long entropy-coded body). */
const noisyPhoto = (): Sharp =>
  sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } });

/** Is there a GPS IFD pointer (tag 0x8825) in IFD0 of this EXIF block? */
function hasGpsIfd(exif: Buffer): boolean {
  const tiff = exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif;
  const little = tiff.subarray(0, 2).toString('latin1') === 'II';
  const u16 = (at: number): number => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number): number => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd0 = u32(4);
  const entries = u16(ifd0);
  return Array.from({ length: entries }, (_, i) => u16(ifd0 + 2 + i * 12)).includes(0x8825);
}

// ---------------------------------------------------------------------------------------------------------------

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: Array<{ field: string; messages: string[] }>;
}

interface MediaRow {
  id: string;
  storage_key: string;
  renditions: Array<{ storageKey: string }>;
}

describe('hostile photo uploads', () => {
  let t: TestApi;
  let server: App;
  let token: string;
  let businessId: string;
  let mediaDir: string;
  let jpegWithGps: Buffer;

  /** Every file under the media directory, as relative path → size. */
  async function mediaFiles(): Promise<Record<string, number>> {
    const files: Record<string, number> = {};
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else files[relative(mediaDir, path)] = (await stat(path)).size;
      }
    };
    await walk(mediaDir);
    return files;
  }

  async function state(id: string): Promise<{ rows: number; primary: string | null; files: Record<string, number> }> {
    const [r] = (await t.db.query(
      `SELECT (SELECT count(*) FROM media_asset)::int AS rows, (SELECT primary_media_id FROM business WHERE id = $1) AS primary`,
      [id],
    )) as Array<{ rows: number; primary: string | null }>;
    return { rows: r.rows, primary: r.primary, files: await mediaFiles() };
  }

  const upload = (id: string): request.Test => request(server).post(`/api/businesses/${id}/photos`).set('authorization', `Bearer ${token}`);
  const attachPhoto = (id: string, bytes: Buffer, filename: string, contentType: string): request.Test => upload(id).attach('photo', bytes, { filename, contentType });

  async function newBusiness(name: string): Promise<string> {
    const res = await request(server).post('/api/businesses').set('authorization', `Bearer ${token}`).send(businessBody({ name })).expect(201);
    return (res.body as { id: string }).id;
  }

  /** Sends a hostile upload; expects a 4xx in the API's error shape and nothing left behind. */
  async function expectRefusedCleanly(send: () => request.Test, expected: { status?: number; code?: string } = {}, id = businessId): Promise<ErrorBody> {
    const before = await state(id);
    const res = await send();
    const body = res.body as ErrorBody;
    expect(res.status >= 400 && res.status < 500 ? 'refused (4xx)' : `answered ${res.status}: ${res.text}`).toBe('refused (4xx)');
    expect(body).toEqual(expect.objectContaining({ statusCode: res.status, code: expect.any(String), message: expect.any(String) }));
    if (expected.status) expect(res.status).toBe(expected.status);
    if (expected.code) expect(body.code).toBe(expected.code);
    const after = await state(id);
    expect({ rows: after.rows, primary: after.primary }).toEqual({ rows: before.rows, primary: before.primary });
    expect(after.files).toEqual(before.files);
    return body;
  }

  beforeAll(async () => {
    t = await startTestApi({ THROTTLE_REGISTER_PER_MINUTE: '1000', THROTTLE_LOGIN_PER_MINUTE: '1000' });
    server = t.api.getHttpServer() as App;
    mediaDir = t.env.settings.storage.mediaDir;
    const registered = await request(server).post('/api/auth/register').send({ email: 'unggah@contoh.id', password: 'kata-sandi-unggah-1' }).expect(201);
    token = (registered.body as { accessToken: string }).accessToken;
    businessId = await newBusiness('Usaha Unggahan Nakal');
    jpegWithGps = await noisyPhoto()
      .jpeg({ quality: 90 })
      .withExif({
        IFD0: { Make: 'KameraUji', Model: 'GPS-1', Copyright: 'Bu Sri' },
        IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '7/1 58/1 3000/100', GPSLongitudeRef: 'E', GPSLongitude: '112/1 37/1 1200/100' },
      })
      .toBuffer();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('the upload limit is what the 50 MB case relies on', () => {
    expect(t.env.settings.storage.maxUploadBytes).toBeLessThan(50 * MB);
  });

  it.each([
    ['an ELF binary', ELF],
    ['a PDF', PDF],
    ['a ZIP archive', ZIP],
    ['plain text with markup', TEXT],
  ])('refuses %s named foto.jpg and sent as image/jpeg', async (_what, bytes) => {
    const body = await expectRefusedCleanly(() => attachPhoto(businessId, bytes, 'foto.jpg', 'image/jpeg'), { status: 400, code: 'invalid_photo' });
    expect(body.details?.map((d) => d.field)).toEqual(['photo']);
  });

  it('refuses a PNG decompression bomb (50,000 × 50,000 pixels in a few KB)', async () => {
    const bomb = pngBomb(50_000, 50_000, 8);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const meta = await sharp(bomb, { limitInputPixels: false }).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: 'png', width: 50_000, height: 50_000 });
    await expectRefusedCleanly(() => attachPhoto(businessId, bomb, 'foto.png', 'image/png'), { status: 400, code: 'invalid_photo' });
  });

  it('refuses a PNG within the pixel limit whose pixel data stops after a few rows', async () => {
    const cut = pngBomb(6_000, 6_000, 4);
    await expectRefusedCleanly(() => attachPhoto(businessId, cut, 'foto.png', 'image/png'), { status: 400, code: 'invalid_photo' });
  });

  it('refuses a 50 MB upload with 413 in the API error shape', async () => {
    const body = await expectRefusedCleanly(() => attachPhoto(businessId, Buffer.alloc(50 * MB, 0xff), 'besar.jpg', 'image/jpeg'), { status: 413, code: 'payload_too_large' });
    expect(body.message.length).toBeGreaterThan(0);
  }, 60_000);

  it('refuses a truncated JPEG (the first half of a real one)', async () => {
    const whole = await noisyPhoto().jpeg({ quality: 90 }).toBuffer();
    const half = whole.subarray(0, Math.floor(whole.length / 2));
    expect((await sharp(half).metadata()).format).toBe('jpeg'); // the header survives: only decoding can tell
    await expectRefusedCleanly(() => attachPhoto(businessId, half, 'foto.jpg', 'image/jpeg'), { status: 400, code: 'invalid_photo' });
  });

  it('refuses a GIF', async () => {
    const gif = await sharp({ create: { width: 1200, height: 1200, channels: 3, background: '#16a085' } }).gif().toBuffer();
    await expectRefusedCleanly(() => attachPhoto(businessId, gif, 'foto.gif', 'image/gif'), { status: 400, code: 'invalid_photo' });
  });

  it.each([
    ['as image/svg+xml', 'logo.svg', 'image/svg+xml'],
    ['renamed foto.jpg', 'foto.jpg', 'image/jpeg'],
  ])('refuses an SVG carrying script (%s)', async (_what, filename, contentType) => {
    await expectRefusedCleanly(() => attachPhoto(businessId, SVG, filename, contentType), { status: 400, code: 'invalid_photo' });
  });

  it('refuses TIFF and AVIF, which are images but not formats we accept', async () => {
    const tiff = await sharp({ create: { width: 1200, height: 1200, channels: 3, background: '#8e44ad' } }).tiff().toBuffer();
    const avif = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#8e44ad' } }).avif().toBuffer();
    await expectRefusedCleanly(() => attachPhoto(businessId, tiff, 'foto.tif', 'image/tiff'), { status: 400, code: 'invalid_photo' });
    await expectRefusedCleanly(() => attachPhoto(businessId, avif, 'foto.avif', 'image/avif'), { status: 400, code: 'invalid_photo' });
  });

  it('refuses an empty file', async () => {
    await expectRefusedCleanly(() => attachPhoto(businessId, Buffer.alloc(0), 'foto.jpg', 'image/jpeg'), { status: 400 });
  });

  it('refuses a request without the photo field', async () => {
    const body = await expectRefusedCleanly(() => upload(businessId).field('caption', 'tanpa foto'), { status: 400, code: 'validation_failed' });
    expect(body.details?.map((d) => d.field)).toEqual(['photo']);
    await expectRefusedCleanly(() => upload(businessId).send({}), { status: 400 });
  });

  it('refuses a file under another field name', async () => {
    const png = await sharp({ create: { width: 1200, height: 1200, channels: 3, background: '#27ae60' } }).png().toBuffer();
    await expectRefusedCleanly(() => upload(businessId).attach('gambar', png, { filename: 'foto.png', contentType: 'image/png' }), { status: 400 });
  });

  it('refuses two files in one request', async () => {
    const png = await sharp({ create: { width: 1200, height: 1200, channels: 3, background: '#27ae60' } }).png().toBuffer();
    await expectRefusedCleanly(
      () => upload(businessId).attach('photo', png, { filename: 'satu.png', contentType: 'image/png' }).attach('photo', png, { filename: 'dua.png', contentType: 'image/png' }),
      { status: 400 },
    );
  });

  it('refuses a 6th photo with 409 photo_limit and leaves no file of it behind', async () => {
    const id = await newBusiness('Usaha Lima Foto');
    const maxPhotos = t.env.settings.registry.maxPhotos;
    for (let i = 0; i < maxPhotos; i++) {
      const png = await sharp({ create: { width: 1200, height: 1000, channels: 3, background: { r: 40 * i, g: 120, b: 200 } } }).png().toBuffer();
      await attachPhoto(id, png, `foto-${i}.png`, 'image/png').expect(201);
    }
    const sixth = await sharp({ create: { width: 1200, height: 1000, channels: 3, background: '#f1c40f' } }).png().toBuffer();
    await expectRefusedCleanly(() => attachPhoto(id, sixth, 'foto-6.png', 'image/png'), { status: 409, code: 'photo_limit' }, id);
  });

  it('accepts a JPEG with GPS EXIF and stores a rendition without any EXIF', async () => {
    const input = await sharp(jpegWithGps).metadata();
    expect(input.exif && hasGpsIfd(input.exif)).toBe(true); // the test photo really carries a location

    const before = await state(businessId);
    const res = await attachPhoto(businessId, jpegWithGps, 'lokasi.jpg', 'image/jpeg').expect(201);
    const photoId = (res.body as { id: string }).id;
    const [row] = (await t.db.query(`SELECT id, storage_key, renditions FROM media_asset WHERE id = $1`, [photoId])) as MediaRow[];
    const after = await state(businessId);
    expect(after.rows).toBe(before.rows + 1);
    const added = Object.keys(after.files).filter((f) => !(f in before.files));
    expect(added).toEqual([row.storage_key]);

    const stored = await readFile(join(mediaDir, row.storage_key));
    const meta = await sharp(stored).metadata();
    expect({ format: meta.format, exif: meta.exif, xmp: meta.xmp, iptc: meta.iptc }).toEqual({ format: 'jpeg', exif: undefined, xmp: undefined, iptc: undefined });
    expect(stored.includes(Buffer.from('KameraUji'))).toBe(false);
    for (const rendition of row.renditions) {
      expect((await sharp(await readFile(join(mediaDir, rendition.storageKey))).metadata()).exif).toBeUndefined();
    }
  });

  it('accepts a valid PNG (positive control: the refusals above were not vacuous)', async () => {
    const id = await newBusiness('Usaha Kontrol Positif');
    const before = await state(id);
    expect(before.primary).toBeNull();
    const png = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#d35400' } }).png().toBuffer();
    const res = await attachPhoto(id, png, 'foto.png', 'image/png').expect(201);
    const photo = res.body as { id: string; primary: boolean };
    const after = await state(id);
    expect(photo.primary).toBe(true);
    expect({ rows: after.rows, primary: after.primary }).toEqual({ rows: before.rows + 1, primary: photo.id });
    expect(Object.keys(after.files).filter((f) => !(f in before.files))).toHaveLength(1);
  });
});
