import type { ValidationError } from 'class-validator';
import type { FieldProblem } from './domain.errors.js';

/** class-validator's tree of errors as one flat list naming each field (nested ones as `products.0.name`). */
export function toFieldProblems(errors: readonly ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = [parent, error.property].filter(Boolean).join('.') || 'body';
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...toFieldProblems(error.children ?? [], field)];
  });
}

/** Deeper than any body we accept; class-transformer recurses and would run out of stack on a hostile one. */
export const MAX_BODY_DEPTH = 16;
// PostgreSQL text cannot hold NUL, and jsonb refuses unpaired UTF-16 surrogates.
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Problems no field rule should have to think about, found without recursion: nesting deeper than MAX_BODY_DEPTH,
 * and text PostgreSQL cannot store. Checked before anything else reads the body.
 */
export function structuralProblems(body: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  // Under a key with no name, problems are reported at the nearest named field (or `body`): "0.0.0" names nothing.
  const stack: Array<{ value: unknown; path: string; depth: number; anonymous: boolean }> = [{ value: body, path: '', depth: 0, anonymous: false }];
  while (stack.length > 0) {
    const { value, path, depth, anonymous } = stack.pop()!;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) problems.push({ field: path || 'body', messages: [`${path || 'body'} contains a NUL character or broken Unicode`] });
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_BODY_DEPTH) {
        problems.push({ field: path || 'body', messages: [`${path || 'body'} is nested more than ${MAX_BODY_DEPTH} levels deep`] });
        continue;
      }
      for (const [key, child] of Object.entries(value)) {
        const unnamed = anonymous || key === '';
        const childPath = unnamed ? path : [path, key].filter(Boolean).join('.');
        if (UNSTORABLE.test(key)) problems.push({ field: path || 'body', messages: ['a field name contains a NUL character or broken Unicode'] });
        stack.push({ value: child, path: childPath, depth: depth + 1, anonymous: unnamed });
      }
    }
  }
  return problems;
}
