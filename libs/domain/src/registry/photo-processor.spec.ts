import { describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { processPhoto } from './photo-processor.js';

const image = (width: number, height: number, format: 'png' | 'jpeg' | 'webp' = 'png'): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 3, background: '#c0392b' } })[format]().toBuffer();

describe('processPhoto', () => {
  it('turns a tall PNG into a 4:5 JPEG at most 1080 wide', async () => {
    const photo = await processPhoto(await image(1200, 3000));
    expect(photo.mime).toBe('image/png');
    const meta = await sharp(photo.feed.jpeg).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.width).toBe(1080);
    expect(meta.height).toBe(1350);
  });

  it('crops a panorama to 1.91:1', async () => {
    const photo = await processPhoto(await image(3000, 1000, 'webp'));
    expect(photo.feed.width / photo.feed.height).toBeGreaterThanOrEqual(1.9);
    expect(photo.feed.width / photo.feed.height).toBeLessThanOrEqual(1.91);
  });

  it('rejects a non-image whatever its name, and a truncated JPEG', async () => {
    await expect(processPhoto(Buffer.from('not an image at all'))).rejects.toMatchObject({ code: 'invalid_photo' });
    const jpeg = await image(800, 800, 'jpeg');
    await expect(processPhoto(jpeg.subarray(0, 200))).rejects.toMatchObject({ code: 'invalid_photo' });
  });

  it('drops EXIF metadata', async () => {
    const withExif = await sharp(await image(800, 800, 'jpeg')).withExif({ IFD0: { Copyright: 'secret-gps' } }).jpeg().toBuffer();
    expect((await sharp(withExif).metadata()).exif).toBeDefined();
    const photo = await processPhoto(withExif);
    expect((await sharp(photo.feed.jpeg).metadata()).exif).toBeUndefined();
  });
});
