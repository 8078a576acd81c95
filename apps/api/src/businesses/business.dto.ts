import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { RUBRICS, type RubricCode } from '@app/config';
import { BUSINESS_STATUSES, type AuditEventEntity, type BusinessEntity, type BusinessListRow, type BusinessStatus, type ProductLine } from '@app/database';
import { BusinessProfileFields, KECAMATAN_NAMES } from '@app/domain';

export class CreateBusinessDto extends BusinessProfileFields {
  @ApiProperty({ example: '2026-11', description: 'Version of the consent text the owner accepted (GET /api/businesses/consent)' })
  @IsString()
  @MaxLength(40)
  consentVersion!: string;
}

/** Any subset of the profile; `null` clears an optional field. */
export class UpdateBusinessDto extends PartialType(BusinessProfileFields) {}

export class ReviewNoteDto {
  @ApiProperty({ example: 'Foto produk kurang jelas; mohon unggah foto yang lebih terang.' })
  @IsString()
  @Matches(/\S/, { message: 'note must not be blank' })
  @MinLength(3)
  @MaxLength(1000)
  note!: string;
}

export class ReasonDto {
  @ApiProperty({ example: 'Usaha sudah tidak beroperasi.' })
  @IsString()
  @Matches(/\S/, { message: 'reason must not be blank' })
  @MinLength(3)
  @MaxLength(1000)
  reason!: string;
}

const toBoolean = ({ value }: { value: unknown }): unknown => (value === 'true' ? true : value === 'false' ? false : value);

export class ListBusinessesQuery {
  @ApiPropertyOptional({ description: 'Part of the business name (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(120)
  q?: string;

  @ApiPropertyOptional({ enum: BUSINESS_STATUSES })
  @IsOptional()
  @IsIn(BUSINESS_STATUSES)
  status?: BusinessStatus;

  @ApiPropertyOptional({ enum: RUBRICS })
  @IsOptional()
  @IsIn(RUBRICS)
  rubric?: RubricCode;

  @ApiPropertyOptional({ enum: KECAMATAN_NAMES })
  @IsOptional()
  @IsIn(KECAMATAN_NAMES)
  kecamatan?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(60)
  kelurahan?: string;

  @ApiPropertyOptional({ description: 'true: featured at least once; false: never featured' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'featured must be true or false' })
  featured?: boolean;

  @ApiPropertyOptional({ description: 'true: approved businesses with owner edits waiting for review' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'pendingReview must be true or false' })
  pendingReview?: boolean;

  @ApiPropertyOptional({ default: 1 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10_000) page = 1;
  @ApiPropertyOptional({ default: 20 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) pageSize = 20;
}

export class BusinessResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) ownerName!: string | null;
  @ApiProperty({ enum: RUBRICS, isArray: true }) rubrics!: string[];
  @ApiProperty({ nullable: true, type: String }) category!: string | null;
  @ApiProperty({ nullable: true, type: String }) ekrafSubsector!: string | null;
  @ApiProperty({ nullable: true, type: Number }) foundingYear!: number | null;
  @ApiProperty() description!: string;
  @ApiProperty({ type: 'array', items: { type: 'object' } }) products!: ProductLine[];
  @ApiProperty({ nullable: true, type: String }) address!: string | null;
  @ApiProperty() kecamatan!: string;
  @ApiProperty() kelurahan!: string;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ nullable: true, type: String }) instagramHandle!: string | null;
  @ApiProperty({ nullable: true, type: String }) xHandle!: string | null;
  @ApiProperty({ nullable: true, type: String }) facebookHandle!: string | null;
  @ApiProperty({ nullable: true, type: String }) website!: string | null;
  @ApiProperty({ nullable: true, type: String }) openingHours!: string | null;
  @ApiProperty({ enum: BUSINESS_STATUSES }) status!: string;
  @ApiProperty({ nullable: true, type: String, description: "Staff's note or reason, shown to the owner" }) reviewNote!: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'Owner edits of an approved profile waiting for review' }) pendingChanges!: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: Date }) pendingSince!: Date | null;
  @ApiProperty({ nullable: true, type: String }) primaryMediaId!: string | null;
  @ApiProperty({ nullable: true, type: Date }) consentAt!: Date | null;
  @ApiProperty({ nullable: true, type: String }) consentTextVersion!: string | null;
  @ApiProperty({ nullable: true, type: String }) registryRef!: string | null;
  @ApiProperty() submittedAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) approvedAt!: Date | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'Week start of the last feature that went out (lists only)' }) lastFeaturedAt?: Date | null;

  static from(b: BusinessEntity | BusinessListRow): BusinessResponseDto {
    const { ownerUserId: _owner, consentUserId: _consentBy, ...visible } = b;
    return visible;
  }
}

export class AuditEventDto {
  @ApiProperty() action!: string;
  @ApiProperty({ nullable: true, type: String }) actorUserId!: string | null;
  @ApiProperty() at!: Date;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true }) before!: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true }) after!: Record<string, unknown> | null;

  static from(e: AuditEventEntity): AuditEventDto {
    return { action: e.action, actorUserId: e.actorUserId, at: e.at, before: e.before, after: e.after };
  }
}
