/** Schema building blocks every API contract uses. */
import Type from 'typebox';

export const Uuid = Type.String({ format: 'uuid' });

export const Nullable = <S extends Parameters<typeof Type.Union>[0][number]>(schema: S) => Type.Union([schema, Type.Null()]);

/**
 * Leading spaces (no control characters among them), one visible character,
 * then anything but control characters. Linear: the leading run and the
 * visible character cannot trade characters, so a long line with a control
 * character at its end fails in one pass (the older pattern backtracked
 * quadratically: a second for 32,000 characters).
 */
export const VISIBLE_TEXT_PATTERN = '^[ \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]*[^\\s\\u0000-\\u001f\\u007f][^\\u0000-\\u001f\\u007f]*$';

/**
 * Text people see (names, titles): at least `min` characters, at least one of
 * them visible, and no control characters.
 */
export const VisibleText = (min: number, max: number) => Type.String({ minLength: min, maxLength: max, pattern: VISIBLE_TEXT_PATTERN });

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
