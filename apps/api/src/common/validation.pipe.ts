import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { toFieldProblems } from '@app/domain';

/** Unknown fields are refused and every bad field is named in one 400. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) =>
      new BadRequestException({ code: 'validation_failed', message: 'Request has invalid fields', details: toFieldProblems(errors) }),
  });
}
