import { registerDecorator, type ValidationArguments } from 'class-validator';
import { isValidIsoWeek } from './iso-week.js';

/** A real ISO week like 2026-W49 (2026-W60 has the right shape but does not exist). */
export function IsIsoWeek(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isIsoWeek',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: (args: ValidationArguments) => `${args.property} must be an ISO week like 2026-W49` },
      validator: { validate: (value: unknown) => typeof value === 'string' && isValidIsoWeek(value) },
    });
}
