/**
 * What every failed REST call answers: a code, a message already in the
 * caller's language, the field it is about and, for bad input, one issue per
 * field. The error handler builds it; the web client reads it.
 */
import Type, { type Static } from 'typebox';
import { ValidationIssueSchema } from './validation.ts';

export const ServerIssue = Type.Intersect([ValidationIssueSchema, Type.Object({ message: Type.String() })]);
export type ServerIssue = Static<typeof ServerIssue>;

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    field: Type.Optional(Type.String()),
    issues: Type.Optional(Type.Array(ServerIssue)),
    requestId: Type.String(),
  }),
});
export type ErrorBody = Static<typeof ErrorBody>;
