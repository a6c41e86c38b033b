/**
 * What an error may put in the log. Drizzle's query errors carry the
 * statement's parameters in their message, stack and `params` (for a ballot:
 * the voter's id and the sealed ballot), and PostgreSQL's errors carry row
 * values in `detail` ("Failing row contains …") and `where`. Logs are read by
 * more people than the database and kept longer, so an error is logged with
 * its kind, the statement's text (placeholders only), codes and the stack
 * frames, never a value.
 */
const KEPT = ['code', 'severity', 'constraint_name', 'table_name', 'column_name', 'routine', 'statusCode', 'errno', 'syscall'] as const;

type SafeError = { [key: string]: unknown; type: string; message: string; stack: string; query?: string; cause?: SafeError };

function frames(stack: unknown): string | undefined {
  if (typeof stack !== 'string') return undefined;
  // Only the "    at …" lines: the first lines repeat the message, parameters included.
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
}

function messageOf(error: Error & { query?: unknown }): string {
  if (typeof error.query === 'string' && error.message.startsWith('Failed query:')) return `Failed query: ${error.query}`;
  // PostgreSQL's own message can quote a value (invalid input syntax for type uuid: "…"): keep what precedes the quote.
  return 'severity' in error ? error.message.replace(/(["'`]).*$/s, '$1…') : error.message;
}

export function safeError(value: unknown, depth = 0): SafeError {
  if (!(value instanceof Error)) return { type: typeof value, message: 'not an Error', stack: '' };
  const error = value as Error & Record<string, unknown>;
  const out: SafeError = { type: error.name || error.constructor.name, message: messageOf(error), stack: frames(error.stack) ?? '' };
  if (typeof error.query === 'string') out.query = error.query;
  for (const key of KEPT) if (error[key] !== undefined && typeof error[key] !== 'object') out[key] = error[key];
  if (error.cause !== undefined && depth < 5) out.cause = safeError(error.cause, depth + 1);
  return out;
}

/** pino serializers for the keys errors are logged under. */
export const safeErrorSerializers = { err: safeError, error: safeError };
