import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RUBRICS } from '@app/config';
import { EKRAF_SUBSECTORS, KECAMATAN_NAMES, kelurahanOf } from '@app/domain';
import { Public } from '../auth/auth.decorators.js';

/** What registration forms offer: the rubrics, the kecamatan with their kelurahan, the ekraf subsectors. */
@ApiTags('reference')
@Controller('reference')
export class ReferenceController {
  @Public()
  @Get()
  get(): { rubrics: readonly string[]; kecamatan: Record<string, readonly string[]>; ekrafSubsectors: ReadonlyArray<{ code: string; name: string }> } {
    return { rubrics: RUBRICS, kecamatan: Object.fromEntries(KECAMATAN_NAMES.map((k) => [k, kelurahanOf(k)])), ekrafSubsectors: EKRAF_SUBSECTORS };
  }
}
