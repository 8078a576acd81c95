import { describe, expect, it } from '@jest/globals';
import { MAX_BODY_DEPTH, structuralProblems } from './field-problems.js';

const nested = (depth: number): unknown => (depth === 0 ? 'x' : [nested(depth - 1)]);

describe('structuralProblems', () => {
  it('names the field holding too deep a structure, and the body under an unnamed key', () => {
    expect(structuralProblems({ products: nested(MAX_BODY_DEPTH + 5) })[0].field).toMatch(/^products(\.0)*$/);
    expect(structuralProblems({ '': nested(MAX_BODY_DEPTH + 5) })).toEqual([{ field: 'body', messages: ['body is nested more than 16 levels deep'] }]);
    expect(structuralProblems({ products: { '': nested(MAX_BODY_DEPTH) } })[0].field).toBe('products');
    expect(structuralProblems({ products: nested(MAX_BODY_DEPTH - 2) })).toEqual([]);
  });

  it('refuses NUL and unpaired surrogates, and accepts proper emoji', () => {
    expect(structuralProblems({ name: 'Keripik\u0000' })).toEqual([{ field: 'name', messages: ['name contains a NUL character or broken Unicode'] }]);
    expect(structuralProblems({ products: [{ name: 'a\ud800b' }] })[0].field).toBe('products.0.name');
    expect(structuralProblems({ name: 'Keripik 🌶️ pedas' })).toEqual([]);
  });
});
