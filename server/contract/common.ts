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
