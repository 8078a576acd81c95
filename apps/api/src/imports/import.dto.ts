import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import type { ImportReport, ImportRowIssue } from '@app/domain';

export class ImportQuery {
  @ApiPropertyOptional({ default: false, description: 'Validate and report as if importing, and write nothing' })
  @IsOptional()
  // Query strings are text; anything but true/false is left for IsBoolean to refuse.
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'dryRun must be true or false' })
  dryRun?: boolean;
}

export class ImportRowIssueDto implements ImportRowIssue {
  @ApiProperty({ example: 7, description: 'Row in the file as a spreadsheet shows it; the header is row 1' })
  row!: number;

  @ApiPropertyOptional({ example: 'UMKM-2021-007' })
  ref?: string;

  @ApiPropertyOptional({ example: 'kelurahan', description: 'CSV column; absent when the whole row is at fault' })
  field?: string;

  @ApiProperty({ example: ['kelurahan must be one of the kelurahan of kecamatan Klojen'] })
  messages!: string[];
}

export class ImportReportDto implements ImportReport {
  @ApiProperty({ description: 'true: nothing was written; the counts say what an import would do' })
  dryRun!: boolean;

  @ApiProperty({ description: 'Data rows in the file (blank rows are not counted)' })
  rows!: number;

  @ApiProperty()
  created!: number;

  @ApiProperty({ description: 'Unclaimed businesses whose stored fields differed from the file and were rewritten' })
  updated!: number;

  @ApiProperty({ description: 'Rows that matched what is stored; importing the same file again gives only these' })
  unchanged!: number;

  @ApiProperty({ description: 'Valid rows not applied, e.g. a business already claimed by its owner; see warnings' })
  skipped!: number;

  @ApiProperty({ description: 'Rows with errors; nothing of them was written' })
  failed!: number;

  @ApiProperty({ type: [ImportRowIssueDto], description: 'Why rows failed, one entry per row and column' })
  errors!: ImportRowIssueDto[];

  @ApiProperty({ type: [ImportRowIssueDto], description: 'Why rows were skipped' })
  warnings!: ImportRowIssueDto[];
}
