import type { ValidationError } from 'class-validator';
import type { FieldProblem } from './domain.errors.js';

/** class-validator's tree of errors as one flat list naming each field (nested ones as `products.0.name`). */
export function toFieldProblems(errors: readonly ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...toFieldProblems(error.children ?? [], field)];
  });
}
