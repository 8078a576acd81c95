import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type Actor, BusinessReviewService, BusinessService, type QueueEntry, QueueService } from '@app/domain';
import { CurrentActor, Public, Roles } from '../auth/auth.decorators.js';
import { AuditEventDto, BusinessResponseDto, CreateBusinessDto, ListBusinessesQuery, ReasonDto, ReviewNoteDto, UpdateBusinessDto } from './business.dto.js';
import { FeatureHistoryDto } from './feature-history.dto.js';
import { UuidParam } from '../common/uuid-param.decorator.js';


/** Owners submit and keep their profile; staff review; managers read. Photos live in BusinessPhotoController. */
@ApiTags('businesses')
@ApiBearerAuth()
@Controller('businesses')
export class BusinessController {
  constructor(
    private readonly businesses: BusinessService,
    private readonly review: BusinessReviewService,
    private readonly queues: QueueService,
  ) {}

  /** The consent text an owner accepts when submitting (Bahasa Indonesia) and its version. */
  @Public()
  @Get('consent')
  consent(): { version: string; text: string } {
    return this.businesses.consentText();
  }

  @Roles('owner')
  @Post()
  async create(@CurrentActor() actor: Actor, @Body() body: CreateBusinessDto): Promise<BusinessResponseDto> {
    return BusinessResponseDto.from(await this.businesses.create(actor, body));
  }

  /** Owners get their own businesses; staff and managers search the registry. */
  @Roles('owner', 'staff', 'manager')
  @Get()
  async list(@CurrentActor() actor: Actor, @Query() query: ListBusinessesQuery): Promise<{ items: BusinessResponseDto[]; total: number; page: number; pageSize: number }> {
    const { page, pageSize, ...filter } = query;
    const { items, total } = await this.businesses.list(actor, filter, pageSize, (page - 1) * pageSize);
    return { items: items.map((b) => BusinessResponseDto.from(b)), total, page, pageSize };
  }

  @Roles('owner', 'staff', 'manager')
  @Get(':id')
  async get(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<BusinessResponseDto> {
    return BusinessResponseDto.from(await this.businesses.get(actor, id));
  }

  /** Owner edits of an approved business wait for review (see pendingChanges); staff corrections apply at once. */
  @Roles('owner', 'staff')
  @Patch(':id')
  async update(@CurrentActor() actor: Actor, @UuidParam('id') id: string, @Body() body: UpdateBusinessDto): Promise<BusinessResponseDto> {
    return BusinessResponseDto.from(await this.businesses.update(actor, id, body));
  }

  /** Opt-out: leaves the rotation; features not yet out are cancelled; published history stays in reports. */
  @Roles('owner', 'staff')
  @Post(':id/withdraw')
  @HttpCode(200)
  async withdraw(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<BusinessResponseDto> {
    return BusinessResponseDto.from(await this.businesses.withdraw(actor, id));
  }

  @Roles('owner', 'staff', 'manager')
  @Get(':id/features')
  async features(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<FeatureHistoryDto[]> {
    return (await this.businesses.featureHistory(actor, id)).map((f) => FeatureHistoryDto.from(f));
  }

  /** Its place in each rubric's rotation queue and an estimated week (or the week it is scheduled). */
  @Roles('owner', 'staff', 'manager')
  @Get(':id/queue')
  queue(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<QueueEntry[]> {
    return this.queues.forBusiness(actor, id);
  }

  /** Who did what to this business, with the before/after of each change. */
  @Roles('staff', 'manager')
  @Get(':id/history')
  async history(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<AuditEventDto[]> {
    return (await this.businesses.auditTrail(actor, id)).map((e) => AuditEventDto.from(e));
  }

  /** Approves a submission, or applies an approved business's pending edits. */
  @Roles('staff')
  @Post(':id/approve')
  @HttpCode(200)
  async approve(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<BusinessResponseDto> {
    return BusinessResponseDto.from(await this.review.approve(actor, id));
  }

  @Roles('staff')
  @Post(':id/request-changes')
  @HttpCode(200)
  async requestChanges(@CurrentActor() actor: Actor, @UuidParam('id') id: string, @Body() body: ReviewNoteDto): Promise<BusinessResponseDto> {
    return BusinessResponseDto.from(await this.review.requestChanges(actor, id, body.note));
  }

  /** Rejects a submission, or discards an approved business's pending edits. */
  @Roles('staff')
  @Post(':id/reject')
  @HttpCode(200)
  async reject(@CurrentActor() actor: Actor, @UuidParam('id') id: string, @Body() body: ReasonDto): Promise<BusinessResponseDto> {
    return BusinessResponseDto.from(await this.review.reject(actor, id, body.reason));
  }

  @Roles('staff')
  @Post(':id/suspend')
  @HttpCode(200)
  async suspend(@CurrentActor() actor: Actor, @UuidParam('id') id: string, @Body() body: ReasonDto): Promise<BusinessResponseDto> {
    return BusinessResponseDto.from(await this.review.suspend(actor, id, body.reason));
  }

  @Roles('staff')
  @Post(':id/reinstate')
  @HttpCode(200)
  async reinstate(@CurrentActor() actor: Actor, @UuidParam('id') id: string): Promise<BusinessResponseDto> {
    return BusinessResponseDto.from(await this.review.reinstate(actor, id));
  }
}
