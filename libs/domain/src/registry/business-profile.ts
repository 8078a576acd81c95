import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { RUBRICS, type RubricCode } from '@app/config';
import { EKRAF_SUBSECTOR_CODES, KECAMATAN_NAMES } from './reference-data.js';
import { IsIndonesianPhone, IsKelurahanOfKecamatan, normalisePhone, stripAt } from './profile-validators.js';

/** Some letter or digit: blank, punctuation-only and zero-width-only text is refused. */
const NOT_BLANK = /[\p{L}\p{N}]/u;
const MAX_PRICE_RUPIAH = 1_000_000_000;

export class ProductLineFields {
  @ApiProperty({ example: 'Keripik tempe original 250 g' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'name must contain letters or digits' })
  @MaxLength(80)
  name!: string;

  @ApiPropertyOptional({ example: 15000, description: 'Lowest price in rupiah' })
  @IsOptional()
  @IsInt({ message: 'priceMin must be a whole number of rupiah' })
  @Min(0)
  @Max(MAX_PRICE_RUPIAH)
  priceMin?: number;

  @ApiPropertyOptional({ example: 25000, description: 'Highest price in rupiah' })
  @IsOptional()
  @IsInt({ message: 'priceMax must be a whole number of rupiah' })
  @Min(0)
  @Max(MAX_PRICE_RUPIAH)
  priceMax?: number;
}

/**
 * Every field of a business profile and its rules (DESIGN.md §3). One class serves the API's request bodies,
 * the re-check of a merged edit and the CSV import, so a rule cannot differ between them.
 * Text is stored as given (never trimmed or rendered as HTML); identifiers are normalised (phone to +62…,
 * handles without '@').
 */
export class BusinessProfileFields {
  @ApiProperty({ example: 'Keripik Tempe Bu Sri' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'name must contain letters or digits' })
  @MinLength(2)
  @MaxLength(120)
  name!: string;

  @ApiProperty({ example: 'Sri Wahyuni' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'ownerName must contain letters or digits' })
  @MinLength(2)
  @MaxLength(100)
  ownerName!: string;

  @ApiProperty({ enum: RUBRICS, isArray: true, example: ['umkm'], description: 'Rubrics applied for' })
  @IsArray()
  @ArrayMinSize(1, { message: 'rubrics must name at least one rubric' })
  @ArrayMaxSize(RUBRICS.length)
  @IsIn(RUBRICS, { each: true, message: `each rubric must be one of ${RUBRICS.join(', ')}` })
  rubrics!: RubricCode[];

  @ApiPropertyOptional({ example: 'Makanan ringan' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  category?: string | null;

  @ApiPropertyOptional({ enum: EKRAF_SUBSECTOR_CODES, description: 'Required for the ekraf rubric' })
  @ValidateIf((o: BusinessProfileFields) => (Array.isArray(o.rubrics) && o.rubrics.includes('ekraf')) || o.ekrafSubsector != null)
  @IsIn(EKRAF_SUBSECTOR_CODES, { message: `ekrafSubsector is required for the ekraf rubric and must be one of ${EKRAF_SUBSECTOR_CODES.join(', ')}` })
  ekrafSubsector?: string | null;

  @ApiPropertyOptional({ example: 1987, description: 'Required for the kuliner-legendaris rubric' })
  @ValidateIf((o: BusinessProfileFields) => (Array.isArray(o.rubrics) && o.rubrics.includes('kuliner-legendaris')) || o.foundingYear != null)
  @IsInt({ message: 'foundingYear is required for the kuliner-legendaris rubric and must be a year like 1987' })
  @Min(1800)
  @Max(2100)
  foundingYear?: number | null;

  @ApiProperty({ example: 'Keripik tempe renyah khas Malang, digoreng setiap pagi sejak 1998.' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'description must contain letters or digits' })
  @MinLength(20, { message: 'description must be at least 20 characters' })
  @MaxLength(2000)
  description!: string;

  @ApiPropertyOptional({ type: [ProductLineFields] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true, message: 'each product must be an object with a name' })
  @ValidateNested({ each: true })
  @Type(() => ProductLineFields)
  products?: ProductLineFields[];

  @ApiProperty({ example: 'Jl. Ki Ageng Gribig Gg. 3 No. 12' })
  @IsString()
  @Matches(NOT_BLANK, { message: 'address must contain letters or digits' })
  @MinLength(5)
  @MaxLength(300)
  address!: string;

  @ApiProperty({ enum: KECAMATAN_NAMES })
  @IsIn(KECAMATAN_NAMES, { message: `kecamatan must be one of ${KECAMATAN_NAMES.join(', ')}` })
  kecamatan!: string;

  @ApiProperty({ example: 'Polehan', description: 'One of the kelurahan of the chosen kecamatan' })
  @IsKelurahanOfKecamatan()
  kelurahan!: string;

  @ApiProperty({ example: '0812-3456-7890', description: 'Indonesian phone or WhatsApp number; stored as +62…' })
  @Transform(({ value }: { value: unknown }) => normalisePhone(value))
  @IsIndonesianPhone()
  phone!: string;

  @ApiPropertyOptional({ example: 'keripiktempebusri', description: "Instagram username; a leading '@' is dropped" })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => stripAt(value))
  @Matches(/^(?!.*\.\.)(?!\.)[A-Za-z0-9._]{1,30}(?<!\.)$/, { message: 'instagramHandle must be an Instagram username: up to 30 letters, digits, . or _, not starting or ending with .' })
  instagramHandle?: string | null;

  @ApiPropertyOptional({ example: 'busri_malang', description: "X username; a leading '@' is dropped" })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => stripAt(value))
  @Matches(/^[A-Za-z0-9_]{1,15}$/, { message: 'xHandle must be an X username: up to 15 letters, digits or _' })
  xHandle?: string | null;

  @ApiPropertyOptional({ example: 'keripiktempebusri', description: "Facebook Page username; a leading '@' is dropped" })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => stripAt(value))
  @Matches(/^[A-Za-z0-9.]{5,50}$/, { message: 'facebookHandle must be a Facebook username: 5 to 50 letters, digits or .' })
  facebookHandle?: string | null;

  @ApiPropertyOptional({ example: 'https://keripikbusri.id' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'website must be a full http(s) address, e.g. https://contoh.id' })
  @MaxLength(200)
  website?: string | null;

  @ApiPropertyOptional({ example: 'Senin–Sabtu 08.00–20.00 WIB' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  openingHours?: string | null;
}

export const PROFILE_FIELDS = [
  'name', 'ownerName', 'rubrics', 'category', 'ekrafSubsector', 'foundingYear', 'description', 'products', 'address',
  'kecamatan', 'kelurahan', 'phone', 'instagramHandle', 'xHandle', 'facebookHandle', 'website', 'openingHours',
] as const satisfies ReadonlyArray<keyof BusinessProfileFields>;

export type ProfileField = (typeof PROFILE_FIELDS)[number];
/** A checked profile: every field present, optional ones as null. */
export type BusinessProfile = { [K in ProfileField]-?: Exclude<BusinessProfileFields[K], undefined> };
