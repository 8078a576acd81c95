import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { parsePhone } from '../phone.js';
import { isKelurahanOf, KECAMATAN_NAMES } from './reference-data.js';

/** Any common way of writing an Indonesian number (0812-…, 62812…, +62 812 …) becomes +62…; anything else is left for the validator to refuse. */
export function normalisePhone(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  // "62812345678" is the country code without its "+", not a local number starting with 62.
  const candidates = /^\s*62/.test(value) ? [`+${value.trim()}`, value] : [value];
  for (const candidate of candidates) {
    const parsed = parsePhone(candidate, 'ID');
    if (parsed?.isValid() && parsed.country === 'ID') return parsed.number;
  }
  return value;
}

export function stripAt(value: unknown): unknown {
  return typeof value === 'string' ? value.trim().replace(/^@/, '') : value;
}

export function IsIndonesianPhone(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isIndonesianPhone',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: 'phone must be an Indonesian phone or WhatsApp number, e.g. 0812-3456-7890 or +62 812 3456 7890', ...options },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && /^\+62\d{7,13}$/.test(value) && parsePhone(value)?.isValid() === true,
      },
    });
}

export function IsKelurahanOfKecamatan(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isKelurahanOfKecamatan',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: (args: ValidationArguments) => {
          const kecamatan = (args.object as { kecamatan?: unknown }).kecamatan;
          return typeof kecamatan === 'string' && KECAMATAN_NAMES.includes(kecamatan)
            ? `kelurahan must be one of the kelurahan of kecamatan ${kecamatan}`
            : 'kelurahan must be a kelurahan of the chosen kecamatan (choose a valid kecamatan first)';
        },
        ...options,
      },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const kecamatan = (args.object as { kecamatan?: unknown }).kecamatan;
          return typeof value === 'string' && typeof kecamatan === 'string' && isKelurahanOf(kecamatan, value);
        },
      },
    });
}
