import { Controller, Delete, Get, HttpCode, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { type Actor, BusinessPhotosService, invalidField, type PhotoView } from '@app/domain';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { UuidParam } from '../common/uuid-param.decorator.js';


/** 1..MAX_PHOTOS_PER_BUSINESS photos; the first becomes primary. Renditions are served under PUBLIC_BASE_URL. */
@ApiTags('businesses')
@ApiBearerAuth()
@Controller('businesses/:id/photos')
export class BusinessPhotoController {
  constructor(private readonly photos: BusinessPhotosService) {}

  @Roles('owner', 'staff', 'manager')
  @Get()
  list(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<PhotoView[]> {
    return this.photos.list(actor, id);
  }

  /** JPEG, PNG or WebP, checked by content; stored as a platform-ready JPEG with EXIF removed. */
  @Roles('owner', 'staff')
  @Post()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['photo'], properties: { photo: { type: 'string', format: 'binary' } } } })
  // Size and count limits come from MulterModule (MAX_UPLOAD_BYTES); files stay in memory, never on disk.
  @UseInterceptors(FileInterceptor('photo'))
  async add(@CurrentActor() actor: Actor, @UuidParam('id') id: string, @UploadedFile() photo: Express.Multer.File | undefined): Promise<PhotoView> {
    if (!photo) throw invalidField('photo', 'photo file is required (multipart field "photo")');
    return this.photos.add(actor, id, photo.buffer);
  }

  @Roles('owner', 'staff')
  @Post(':mediaId/primary')
  @HttpCode(200)
  setPrimary(@CurrentActor() actor: Actor, @UuidParam('id') id: string, @UuidParam('mediaId') mediaId: string): Promise<PhotoView> {
    return this.photos.setPrimary(actor, id, mediaId);
  }

  @Roles('owner', 'staff')
  @Delete(':mediaId')
  @HttpCode(204)
  async remove(@CurrentActor() actor: Actor, @UuidParam('id') id: string, @UuidParam('mediaId') mediaId: string): Promise<void> {
    await this.photos.remove(actor, id, mediaId);
  }
}
