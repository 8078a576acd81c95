import express, { type RequestHandler } from 'express';
import { isMediaKey } from '@app/database';

/**
 * Serves the renditions Instagram and Facebook download (PUBLIC_BASE_URL/api/media/<key>) with express's static
 * middleware, ahead of Nest's pipeline: every post makes the platform fetch its photo, so no guards, pipes or request
 * logger per download, and the file is streamed with ETag, Last-Modified, conditional GET and ranges. Only paths shaped
 * like a media key are looked up (nothing else under MEDIA_DIR is reachable); anything else, or a key with no file,
 * falls through to MediaController, which answers the 404.
 */
export function mediaFiles(root: string): RequestHandler {
  const serve = express.static(root, { index: false, redirect: false, dotfiles: 'ignore', fallthrough: true, immutable: true, maxAge: '365d' });
  return (req, res, next) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && isMediaKey(req.path.slice(1))) serve(req, res, next);
    else next();
  };
}
