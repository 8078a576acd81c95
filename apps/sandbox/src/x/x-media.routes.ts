import express, { type Request, type Router } from 'express';
import type { XMediaUpload } from '../state/sandbox-state.js';
import { describeImage } from '../media/remote-image.js';
import { invalidRequest, requireJsonBody } from './x.problems.js';
import { parseMultipart } from './multipart.js';
import type { XRouteDeps } from './x.router.js';

const MB = 1024 * 1024;
const EXPIRES_AFTER_SECS = 86_400;
/** Declared type → the format the bytes must be, and the size limit (platform-apis.md §7.2). */
const IMAGE_TYPES: Readonly<Record<string, { format: string; maxBytes: number }>> = {
  'image/jpeg': { format: 'jpeg', maxBytes: 5 * MB },
  'image/pjpeg': { format: 'jpeg', maxBytes: 5 * MB },
  'image/png': { format: 'png', maxBytes: 5 * MB },
  'image/webp': { format: 'webp', maxBytes: 5 * MB },
  'image/gif': { format: 'gif', maxBytes: 15 * MB },
};
const multipartBody = express.raw({ type: 'multipart/form-data', limit: 16 * MB });

/** The v2 chunked upload exactly as twitter-api-v2 ≥ 1.23 sends it: initialize (JSON), append (multipart), finalize. */
export function xMediaRoutes(router: Router, { ctx, account }: XRouteDeps): void {
  const ownUpload = (req: Request): XMediaUpload => {
    const media = ctx.state.xMedia.get(String(req.params.id));
    if (media === undefined || media.accountId !== account(req).id) throw invalidRequest('Media id not found.', 'id', req.params.id);
    return media;
  };

  router.post('/media/upload/initialize', requireJsonBody, (req, res) => {
    const body: Record<string, unknown> = typeof req.body === 'object' && req.body !== null ? req.body : {};
    const mediaType = body.media_type;
    const type = typeof mediaType === 'string' ? IMAGE_TYPES[mediaType] : undefined;
    if (type === undefined) throw invalidRequest('This sandbox accepts image uploads only (image/jpeg, image/png, image/webp, image/gif).', 'media_type', mediaType);
    const totalBytes = Number(body.total_bytes);
    if (!Number.isInteger(totalBytes) || totalBytes <= 0) throw invalidRequest('total_bytes must be a positive integer.', 'total_bytes', body.total_bytes);
    if (totalBytes > type.maxBytes) throw invalidRequest(`File size exceeds ${type.maxBytes} bytes.`, 'total_bytes', totalBytes);
    const id = ctx.state.ids.x();
    ctx.state.xMedia.set(id, { id, accountId: account(req).id, mediaType: String(mediaType), totalBytes, createdAt: ctx.now(), segments: new Map() });
    res.json({ data: { id, media_key: `3_${id}`, expires_after_secs: EXPIRES_AFTER_SECS } });
  });

  router.post('/media/upload/:id/append', multipartBody, (req, res) => {
    const media = ownUpload(req);
    if (media.finalized) throw invalidRequest('Media is already finalized.', 'id', media.id);
    const parts = Buffer.isBuffer(req.body) ? parseMultipart(req.body, req.get('content-type') ?? '') : null;
    if (parts === null) throw invalidRequest('The body must be multipart/form-data.', 'media');
    const indexPart = parts.find((p) => p.name === 'segment_index');
    const index = Number(indexPart?.data.toString('utf8'));
    if (!Number.isInteger(index) || index < 0 || index > 999) throw invalidRequest('segment_index must be between 0 and 999.', 'segment_index', indexPart?.data);
    const chunk = parts.find((p) => p.name === 'media');
    if (chunk === undefined) throw invalidRequest('The media part is missing.', 'media');
    media.segments.set(index, Buffer.from(chunk.data));
    res.json({ data: { expires_at: Math.floor((media.createdAt + EXPIRES_AFTER_SECS * 1000) / 1000) } });
  });

  router.post('/media/upload/:id/finalize', async (req, res) => {
    const media = ownUpload(req);
    if (!media.finalized) {
      const bytes = Buffer.concat([...media.segments.entries()].sort(([a], [b]) => a - b).map(([, chunk]) => chunk));
      if (bytes.length !== media.totalBytes) throw invalidRequest('Segments do not add up to provided total file size.', 'id', media.id);
      const described = describeImage(bytes);
      const expected = IMAGE_TYPES[media.mediaType];
      if (!described.ok || described.image.format !== expected.format) {
        throw invalidRequest(`The uploaded file is not a valid ${media.mediaType} image.`, 'id', media.id);
      }
      media.finalized = { size: bytes.length, width: described.image.width, height: described.image.height };
    }
    const { size, width, height } = media.finalized;
    res.json({
      data: { id: media.id, media_key: `3_${media.id}`, size, expires_after_secs: EXPIRES_AFTER_SECS, image: { image_type: media.mediaType, w: width, h: height } },
    });
  });

  router.get('/media/upload', (req, res) => {
    const media = ctx.state.xMedia.get(String(req.query.media_id ?? ''));
    if (media === undefined || media.accountId !== account(req).id) throw invalidRequest('Media id not found.', 'media_id', req.query.media_id);
    const state = media.finalized ? 'succeeded' : 'pending';
    res.json({ data: { id: media.id, media_key: `3_${media.id}`, processing_info: { state, progress_percent: media.finalized ? 100 : 0 } } });
  });
}
