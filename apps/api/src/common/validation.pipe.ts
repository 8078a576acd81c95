import { type ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';
import { structuralProblems, toFieldProblems } from '@app/domain';

const invalid = (details: unknown): BadRequestException => new BadRequestException({ code: 'validation_failed', message: 'Request has invalid fields', details });

/** Refuses what no DTO rule can express (deep nesting, unstorable text) before class-transformer walks the input. */
class ApiValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const problems = structuralProblems(value);
      if (problems.length > 0) throw invalid(problems);
    }
    return super.transform(value, metadata);
  }
}

/** Unknown fields are refused and every bad field is named in one 400. */
export function createValidationPipe(): ValidationPipe {
  return new ApiValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => invalid(toFieldProblems(errors)),
  });
}
