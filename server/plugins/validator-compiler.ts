/**
 * Fastify's validator for every route's body, querystring and params: the
 * same bounded, first-error-only checker socket handlers use
 * (contract/validation.ts), so one hostile body cannot freeze the event loop
 * in the error reporter. Querystring and params are strings on the wire and
 * are converted to the schema's types first (as TypeBox's own compiler does).
 */
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { compileValidator } from '../contract/validation.ts';
import { AppError } from '../errors.ts';

export const boundedValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const validator = compileValidator(schema);
  return (input: unknown) => {
    const value = httpPart === 'body' ? input : Value.Convert(schema, input);
    const checked = validator.check(value);
    if (checked.ok) return { value: checked.value };
    return { error: new AppError(400, 'validation', { issues: checked.issues }) };
  };
};
