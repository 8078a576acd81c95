import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { MediaStorage } from '@app/database';
import { Public } from '../auth/auth.decorators.js';

/**
 * Serves platform-ready renditions at PUBLIC_BASE_URL/api/media/... — Instagram and Facebook fetch images from here.
 * Keys are random UUIDs generated server-side; nothing else on disk is reachable.
 */
@ApiExcludeController()
@Controller({ path: 'media' })
export class MediaController {
  constructor(private readonly storage: MediaStorage) {}

  @Public()
  @Get(':dir/:file')
  async get(@Param('dir') dir: string, @Param('file') file: string, @Res() res: Response): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = await this.storage.read(`${dir}/${file}`);
    } catch {
      throw new NotFoundException({ code: 'media_not_found', message: 'No such media' });
    }
    res.setHeader('content-type', 'image/jpeg');
    res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    res.send(bytes);
  }
}
