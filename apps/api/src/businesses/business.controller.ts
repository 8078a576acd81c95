import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { Clock } from '@app/config';
import { type Actor, BusinessService, DomainError } from '@app/domain';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { BusinessResponseDto, CreateBusinessDto, ListBusinessesQuery } from './business.dto.js';

@ApiTags('businesses')
@ApiBearerAuth()
@Controller('businesses')
export class BusinessController {
  constructor(
    private readonly businesses: BusinessService,
    private readonly clock: Clock,
  ) {}

  @Roles('owner')
  @Post()
  async create(@CurrentActor() actor: Actor, @Body() body: CreateBusinessDto): Promise<BusinessResponseDto> {
    return BusinessResponseDto.from(await this.businesses.create(actor, body));
  }

  @Roles('owner', 'staff', 'manager', 'admin')
  @Get()
  async list(@CurrentActor() actor: Actor, @Query() query: ListBusinessesQuery): Promise<{ items: BusinessResponseDto[]; total: number; page: number; pageSize: number }> {
    const { items, total } = await this.businesses.list(actor, { status: query.status }, query.pageSize, (query.page - 1) * query.pageSize);
    return { items: items.map((b) => BusinessResponseDto.from(b)), total, page: query.page, pageSize: query.pageSize };
  }

  @Roles('owner', 'staff', 'manager', 'admin')
  @Get(':id')
  async get(@CurrentActor() actor: Actor, @Param('id', new ParseUUIDPipe()) id: string): Promise<BusinessResponseDto> {
    return BusinessResponseDto.from(await this.businesses.get(actor, id));
  }

  @Roles('owner')
  @Post(':id/photo')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['photo'], properties: { photo: { type: 'string', format: 'binary' } } } })
  // Size and count limits come from MulterModule (MAX_UPLOAD_BYTES).
  @UseInterceptors(FileInterceptor('photo'))
  async uploadPhoto(@CurrentActor() actor: Actor, @Param('id', new ParseUUIDPipe()) id: string, @UploadedFile() photo: Express.Multer.File | undefined): Promise<{ mediaId: string; width: number; height: number }> {
    if (!photo) throw new DomainError('invalid', 'validation_failed', 'Request has invalid fields', [{ field: 'photo', messages: ['photo file is required (multipart field "photo")'] }]);
    const media = await this.businesses.addPhoto(actor, id, photo.buffer);
    const feed = media.renditions[0];
    return { mediaId: media.id, width: feed.width, height: feed.height };
  }

  @Roles('staff', 'admin')
  @Post(':id/approve')
  @HttpCode(200)
  async approve(@CurrentActor() actor: Actor, @Param('id', new ParseUUIDPipe()) id: string): Promise<BusinessResponseDto> {
    return BusinessResponseDto.from(await this.businesses.approve(actor, id, this.clock.now()));
  }
}
