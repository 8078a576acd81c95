import { ApiProperty } from '@nestjs/swagger';
import { PLATFORMS, RUBRICS } from '@app/config';
import { READINESS_CODES, type ReadinessReport } from '@app/domain';

export class ReadinessProblemDto {
  @ApiProperty({ enum: PLATFORMS, nullable: true, type: String, description: 'null: about the business or its photo, not one platform' })
  platform!: string | null;

  @ApiProperty({ enum: READINESS_CODES, description: 'Stable English code' })
  code!: string;

  @ApiProperty({ description: 'What is wrong and what to do, in Bahasa Indonesia', example: 'Token Instagram kedaluwarsa sebelum jadwal tayang (Sel 24 Nov 10.00 WIB), yaitu Sen 23 Nov 09.00 WIB; hubungkan ulang akun.' })
  message!: string;
}

export class PublishingQuotaDto {
  @ApiProperty() used!: number;
  @ApiProperty() limit!: number;
}

export class PlatformReadinessDto {
  @ApiProperty({ enum: PLATFORMS }) platform!: string;
  @ApiProperty({ description: "The publication's scheduled time, or the rubric's slot for a planned feature" }) slotAt!: Date;
  @ApiProperty({ type: PublishingQuotaDto, nullable: true, description: "The platform's publishing quota right now (Instagram only)" })
  quota!: PublishingQuotaDto | null;
}

/** Whether a feature can go out as planned; 200 whether it is ready or not. */
export class FeatureReadinessDto {
  @ApiProperty() featureId!: string;
  @ApiProperty({ example: '2026-W48' }) isoWeek!: string;
  @ApiProperty({ enum: RUBRICS }) rubric!: string;
  @ApiProperty() firstSlotAt!: Date;
  @ApiProperty() checkedAt!: Date;
  @ApiProperty({ description: 'true when there are no problems; a check that could not run counts as a problem' }) ready!: boolean;
  @ApiProperty({ type: [PlatformReadinessDto] }) platforms!: PlatformReadinessDto[];
  @ApiProperty({ type: [ReadinessProblemDto] }) problems!: ReadinessProblemDto[];

  static from(report: ReadinessReport): FeatureReadinessDto {
    return {
      featureId: report.featureId,
      isoWeek: report.isoWeek,
      rubric: report.rubric,
      firstSlotAt: report.firstSlotAt,
      checkedAt: report.checkedAt,
      ready: report.ready,
      platforms: report.platforms.map((p) => ({ platform: p.platform, slotAt: p.slotAt, quota: p.quota === null ? null : { used: p.quota.used, limit: p.quota.limit } })),
      problems: report.problems.map((p) => ({ platform: p.platform, code: p.code, message: p.message })),
    };
  }
}
