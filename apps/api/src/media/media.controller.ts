import { Controller, Get, NotFoundException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators.js';

/**
 * PUBLIC_BASE_URL/api/media/... is served by `mediaFiles` (create-api.ts) before any controller; what reaches this
 * route is a path that is no media key, or a key with no file.
 */
@ApiExcludeController()
@Controller({ path: 'media' })
export class MediaController {
  @Public()
  @Get(':dir/:file')
  get(): never {
    throw new NotFoundException({ code: 'media_not_found', message: 'No such media' });
  }
}
