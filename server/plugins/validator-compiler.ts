/**
 * Fastify's validator for every route's body, querystring and params: the
 * same bounded, first-error-only checker socket handlers use
 * (contract/validation.ts), so one hostile body cannot freeze the event loop
 * in the error reporter. Querystring and params are strings on the wire and
 * are converted to the schema's types first (as TypeBox's own compiler does).
 *
 * TypeBox's conversion walks the schema anew for every request (~8% of the
 * app's thread while a hall's 200 tablets open one document, all with the
 * same document id and version in their path). So a route remembers the
 * converted values of the last few distinct inputs it accepted: the answer is
 * a pure function of the input's strings, and each request gets its own copy.
 */
import type { FastifySchemaCompiler } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { compileValidator, type ValidationIssue } from '../contract/validation.ts';
import { AppError } from '../errors.ts';

/** Distinct accepted inputs remembered per route and part (a hall opens a handful of documents at once). */
const REMEMBERED_INPUTS = 64;
/** Inputs longer than this (as JSON) are converted every time: long query strings are rare and not worth the key. */
const LONGEST_KEY = 512;

type Scalar = string | number | boolean | null;
type Flat = Record<string, Scalar>;

/** A plain record of strings (params, a query string without repeated keys), keyed by its JSON; anything else undefined. */
function keyOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  for (const value of Object.values(input)) if (typeof value !== 'string') return undefined;
  const key = JSON.stringify(input);
  return key.length <= LONGEST_KEY ? key : undefined;
}

/** Whether a converted value is a record of scalars only (its shallow copy then shares nothing). */
function isFlat(value: unknown): value is Flat {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const v of Object.values(value)) if (v !== null && typeof v === 'object') return false;
  return true;
}

/** A refusal is built afresh for each request (Fastify may annotate the error it is given). */
const refused = (issues: ValidationIssue[]) => ({ error: new AppError(400, 'validation', { issues }) });

export const boundedValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const validator = compileValidator(schema);
  if (httpPart === 'body') {
    return (input: unknown) => {
      const checked = validator.check(input);
      return checked.ok ? { value: checked.value } : refused(checked.issues);
    };
  }
  const accepted = new LRUCache<string, Flat>({ max: REMEMBERED_INPUTS });
  return (input: unknown) => {
    const key = keyOf(input);
    const known = key === undefined ? undefined : accepted.get(key);
    if (known !== undefined) return { value: { ...known } };
    const checked = validator.check(Value.Convert(schema, input));
    if (!checked.ok) return refused(checked.issues);
    // Only what passed is remembered, and only flat records: a copy of one shares nothing.
    if (key !== undefined && isFlat(checked.value)) accepted.set(key, { ...checked.value });
    return { value: checked.value };
  };
};
