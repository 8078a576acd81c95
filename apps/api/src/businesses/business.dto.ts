import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { RUBRICS, type RubricCode } from '@app/config';
import { BUSINESS_STATUSES, type BusinessEntity, type BusinessStatus } from '@app/database';
import { malangRegions } from '@app/domain';

const KECAMATAN = Object.keys(malangRegions().kecamatan);

export class CreateBusinessDto {
  @ApiProperty({ example: 'Keripik Tempe Bu Sri' })
  @IsString()
  @MinLength(2)
  @MaxLength(120)
  name!: string;

  @ApiProperty({ enum: RUBRICS, isArray: true, example: ['umkm'] })
  @IsArray()
  @ArrayMinSize(1, { message: 'rubrics must name at least one rubric' })
  @ArrayMaxSize(RUBRICS.length)
  @IsIn(RUBRICS, { each: true, message: `each rubric must be one of ${RUBRICS.join(', ')}` })
  rubrics!: RubricCode[];

  @ApiProperty({ enum: KECAMATAN })
  @IsIn(KECAMATAN, { message: `kecamatan must be one of ${KECAMATAN.join(', ')}` })
  kecamatan!: string;

  @ApiProperty({ example: 'Polehan', description: 'Must be a kelurahan of the chosen kecamatan' })
  @IsString()
  @MinLength(2)
  @MaxLength(60)
  kelurahan!: string;

  @ApiProperty({ example: 'Keripik tempe renyah khas Malang sejak 1998.' })
  @IsString()
  @MinLength(20, { message: 'description must be at least 20 characters' })
  @MaxLength(2000)
  description!: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(300) address?: string;

  @ApiPropertyOptional({ example: '+6281234567890' })
  @IsOptional()
  @Matches(/^\+62\d{8,13}$/, { message: 'phone must be an Indonesian number in the form +62…' })
  phone?: string;

  @ApiPropertyOptional({ description: 'Without @' })
  @IsOptional()
  @Matches(/^(?!.*\.\.)(?!\.)[A-Za-z0-9._]{1,30}(?<!\.)$/, { message: 'instagramHandle must be a valid Instagram username without @' })
  instagramHandle?: string;

  @ApiPropertyOptional({ description: 'Without @' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_]{1,15}$/, { message: 'xHandle must be a valid X username without @ (letters, digits, _; at most 15)' })
  xHandle?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[A-Za-z0-9.]{5,50}$/, { message: 'facebookHandle must be a valid Facebook username' })
  facebookHandle?: string;
}

export class ListBusinessesQuery {
  @ApiPropertyOptional({ enum: BUSINESS_STATUSES })
  @IsOptional()
  @IsIn(BUSINESS_STATUSES)
  status?: BusinessStatus;

  @ApiPropertyOptional({ default: 1 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) page = 1;
  @ApiPropertyOptional({ default: 20 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) pageSize = 20;
}

export class BusinessResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: RUBRICS, isArray: true }) rubrics!: string[];
  @ApiProperty() kecamatan!: string;
  @ApiProperty() kelurahan!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ nullable: true, type: String }) address!: string | null;
  @ApiProperty({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ nullable: true, type: String }) instagramHandle!: string | null;
  @ApiProperty({ nullable: true, type: String }) xHandle!: string | null;
  @ApiProperty({ nullable: true, type: String }) facebookHandle!: string | null;
  @ApiProperty({ enum: BUSINESS_STATUSES }) status!: string;
  @ApiProperty({ nullable: true, type: String }) reviewNote!: string | null;
  @ApiProperty({ nullable: true, type: String }) primaryMediaId!: string | null;
  @ApiProperty({ nullable: true, type: Date }) approvedAt!: Date | null;
  @ApiProperty() createdAt!: Date;

  static from(b: BusinessEntity): BusinessResponseDto {
    const { id, name, rubrics, kecamatan, kelurahan, description, address, phone, instagramHandle, xHandle, facebookHandle, status, reviewNote, primaryMediaId, approvedAt, createdAt } = b;
    return { id, name, rubrics, kecamatan, kelurahan, description, address, phone, instagramHandle, xHandle, facebookHandle, status, reviewNote, primaryMediaId, approvedAt, createdAt };
  }
}
