import { applyDecorators } from '@nestjs/common';
import { IsISO8601, Matches } from 'class-validator';

/** Calendar date, time and offset: week dates (2026-W05) and ordinal dates (2026-035) are valid ISO 8601 but not Date input. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An instant in time as ISO 8601 with its offset. Without the offset the instant would depend on the server's time
 * zone (STYLE.md: never depend on the process time zone).
 */
export function IsInstant(): PropertyDecorator {
  return applyDecorators(
    IsISO8601({ strict: true }, { message: ({ property }) => `${property} must be an ISO 8601 date-time, e.g. 2026-11-24T10:00:00+07:00` }),
    Matches(INSTANT, { message: ({ property }) => `${property} must be a date and time with a time zone offset, e.g. 2026-11-24T10:00:00+07:00 for WIB` }),
  );
}
