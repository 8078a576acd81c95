import { createHash } from 'node:crypto';
import sharp, { type Metadata } from 'sharp';
import { DomainError } from '../domain.errors.js';

const ACCEPTED = new Set(['jpeg', 'png', 'webp']);
/** Decompression bombs: refuse anything that would decode to more than this many pixels. */
const MAX_INPUT_PIXELS = 40_000_000;
const FEED_WIDTH = 1080;
/** Instagram accepts aspect ratios (width / height) between 4:5 and 1.91:1. */
const MIN_RATIO = 4 / 5;
const MAX_RATIO = 1.91;

export interface ProcessedPhoto {
  sha256: string;
  mime: string;
  width: number;
  height: number;
  bytes: number;
  feed: { jpeg: Buffer; width: number; height: number };
}

/** Checks an upload by its content and makes the platform-ready JPEG (EXIF dropped, orientation applied). */
export async function processPhoto(upload: Buffer): Promise<ProcessedPhoto> {
  const invalid = (message: string): DomainError => new DomainError('invalid', 'invalid_photo', message, [{ field: 'photo', messages: [message] }]);
  let meta: Metadata;
  try {
    meta = await sharp(upload, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  } catch {
    throw invalid('photo must be a JPEG, PNG or WebP image');
  }
  if (!meta.format || !ACCEPTED.has(meta.format) || !meta.width || !meta.height) throw invalid('photo must be a JPEG, PNG or WebP image');
  if (meta.width * meta.height > MAX_INPUT_PIXELS) throw invalid(`photo must have at most ${MAX_INPUT_PIXELS} pixels`);

  try {
    const oriented = await sharp(upload, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).rotate().toBuffer({ resolveWithObject: true });
    const { width, height } = oriented.info;
    const ratio = width / height;
    const crop = ratio < MIN_RATIO
      ? { width, height: Math.floor(width / MIN_RATIO) }
      : ratio > MAX_RATIO
        ? { width: Math.floor(height * MAX_RATIO), height }
        : { width, height };
    const targetWidth = Math.min(FEED_WIDTH, crop.width);
    let targetHeight = Math.round((targetWidth * crop.height) / crop.width);
    // Rounding must not push the ratio outside Instagram's range.
    if (targetWidth / targetHeight > MAX_RATIO) targetHeight = Math.ceil(targetWidth / MAX_RATIO);
    if (targetWidth / targetHeight < MIN_RATIO) targetHeight = Math.floor(targetWidth / MIN_RATIO);
    const feed = await sharp(oriented.data)
      .resize({ width: targetWidth, height: targetHeight, fit: 'cover', position: 'attention' })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 85, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    return {
      sha256: createHash('sha256').update(upload).digest('hex'),
      mime: `image/${meta.format}`,
      width: meta.width,
      height: meta.height,
      bytes: upload.length,
      feed: { jpeg: feed.data, width: feed.info.width, height: feed.info.height },
    };
  } catch {
    throw invalid('photo could not be decoded (truncated or corrupt)');
  }
}
