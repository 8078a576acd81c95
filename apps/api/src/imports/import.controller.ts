import { applyDecorators, Controller, HttpCode, Post, Query, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, type ApiBodyOptions, ApiConsumes, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Actor, type ImportFile, invalidField, RegistryImportService } from '@app/domain';
import { CurrentActor, Roles } from '../auth/auth.decorators.js';
import { ImportQuery, ImportReportDto } from './import.dto.js';

const FILE_BODY: ApiBodyOptions = {
  schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: 'CSV, UTF-8, `,` or `;` delimited; columns in config/import/README.md' } } },
};
const BAD_FILE = 'validation_failed: no file, not a UTF-8 CSV, missing/unknown columns (named in details), or more than 50,000 rows';

/** One CSV upload route: staff only, multipart field `file`, a 200 report. Size limits come from MulterModule. */
const CsvImport = (path: string, summary: string): MethodDecorator =>
  applyDecorators(
    Roles('staff'),
    Post(path),
    HttpCode(200),
    ApiOperation({ summary }),
    ApiConsumes('multipart/form-data'),
    ApiBody(FILE_BODY),
    ApiOkResponse({ type: ImportReportDto }),
    ApiBadRequestResponse({ description: BAD_FILE }),
    ApiForbiddenResponse({ description: 'Only staff import' }),
    UseInterceptors(FileInterceptor('file')),
  );

/**
 * Staff load the programme's existing records; row problems come back in the 200 report, never as a failed request.
 * Staff only, like the rest of registry work (test/integration/route-access.test.ts holds the policy).
 */
@ApiTags('imports')
@ApiBearerAuth()
@Controller('imports')
export class ImportController {
  constructor(private readonly imports: RegistryImportService) {}

  @CsvImport('businesses', 'Import the business registry from CSV (idempotent; key: ref)')
  async importBusinesses(@CurrentActor() actor: Actor, @UploadedFile() file: Express.Multer.File | undefined, @Query() query: ImportQuery): Promise<ImportReportDto> {
    return this.imports.importBusinesses(actor, toImportFile(file), { dryRun: query.dryRun ?? false });
  }

  @CsvImport('features', 'Import past features (rubric × ISO week) from CSV (idempotent; key: rubric and week)')
  async importFeatures(@CurrentActor() actor: Actor, @UploadedFile() file: Express.Multer.File | undefined, @Query() query: ImportQuery): Promise<ImportReportDto> {
    return this.imports.importFeatures(actor, toImportFile(file), { dryRun: query.dryRun ?? false });
  }
}

function toImportFile(file: Express.Multer.File | undefined): ImportFile {
  if (!file) throw invalidField('file', 'a CSV file is required (multipart field "file")');
  return { content: file.buffer, name: file.originalname };
}
