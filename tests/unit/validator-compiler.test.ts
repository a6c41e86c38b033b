import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { boundedValidatorCompiler } from '../../server/plugins/validator-compiler.ts';

const Params = Type.Object({ documentId: Type.String({ format: 'uuid' }), version: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
const compile = (httpPart: 'params' | 'querystring' | 'body') => boundedValidatorCompiler({ schema: Params, httpPart, method: 'GET', url: '/documents/:documentId/versions/:version/file' }) as (input: unknown) => { value?: unknown; error?: Error };
const id = '0b6f2f4e-6a52-4e0e-9a55-3c2f1f7f8a10';

describe('route validator for params and query strings', () => {
  it('converts the path strings to the schema types, the same for a repeated path, each request with its own copy', () => {
    const validate = compile('params');
    const first = validate({ documentId: id, version: '2' });
    expect(first).toEqual({ value: { documentId: id, version: 2 } });
    // A handler that changes its params does not change what the next request with the same path gets.
    (first.value as { version: number }).version = 99;
    const second = validate({ documentId: id, version: '2' });
    expect(second).toEqual({ value: { documentId: id, version: 2 } });
    expect(second.value).not.toBe(first.value);
  });

  it('refuses a bad path every time, before and after the same route accepted a good one', () => {
    const validate = compile('params');
    for (const bad of [{ documentId: id, version: '0' }, { documentId: 'không-phải-uuid', version: '1' }, { documentId: id, version: 'abc' }]) {
      expect(validate(bad).error?.message).toBeDefined();
      expect(validate({ documentId: id, version: '1' })).toEqual({ value: { documentId: id, version: 1 } });
      expect(validate(bad).error).toBeDefined();
    }
  });

  it('tells apart inputs that differ in one value, and does not keep inputs that are not plain strings', () => {
    const validate = compile('querystring');
    expect(validate({ documentId: id, version: '3' })).toEqual({ value: { documentId: id, version: 3 } });
    expect(validate({ documentId: id, version: '4' })).toEqual({ value: { documentId: id, version: 4 } });
    // A repeated query key arrives as an array: converted (and refused here) as before, never remembered.
    expect(validate({ documentId: id, version: ['3', '4'] }).error).toBeDefined();
    expect(validate({ documentId: id, version: ['3', '4'] }).error).toBeDefined();
  });

  it('does not convert a JSON body (a string is not a number there)', () => {
    const validate = compile('body');
    expect(validate({ documentId: id, version: '2' }).error).toBeDefined();
    expect(validate({ documentId: id, version: 2 })).toEqual({ value: { documentId: id, version: 2 } });
  });
});
