/** Schema building blocks every API contract uses. */
import Type from 'typebox';

export const Uuid = Type.String({ format: 'uuid' });

export const Nullable = <S extends Parameters<typeof Type.Union>[0][number]>(schema: S) => Type.Union([schema, Type.Null()]);

/**
 * Text people see (names, titles): at least `min` characters, at least one of
 * them visible, and no control characters.
 */
export const VisibleText = (min: number, max: number) =>
  Type.String({ minLength: min, maxLength: max, pattern: '^[^\\u0000-\\u001f\\u007f]*[^\\s\\u0000-\\u001f\\u007f][^\\u0000-\\u001f\\u007f]*$' });

/**
 * A response that is not JSON (a PDF, an image, a stream), declared so every
 * route says what it sends. Fastify sends buffers and streams as they are and
 * never runs them through the schema.
 */
export const FileBody = (contentType: string) => Type.Unsafe<unknown>({ type: 'string', format: 'binary', contentMediaType: contentType });
/** A PDF's bytes (whole, or the range asked for). */
export const PdfFile = FileBody('application/pdf');

/** A 204: no body (send() without a payload, which Fastify does not serialise). */
export const NoContent = Type.Unsafe<undefined>({ type: 'null' });
