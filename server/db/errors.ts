/** Recognises PostgreSQL errors that services turn into user-facing conflicts. */
const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

function pgError(error: unknown): { code?: string; constraint_name?: string } | undefined {
  // drizzle wraps driver errors; the PostgreSQL error sits in `cause`.
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if ('code' in current && typeof current.code === 'string' && /^[0-9A-Z]{5}$/.test(current.code)) {
      return current as { code?: string; constraint_name?: string };
    }
  }
  return undefined;
}

/** The name of the unique index a statement violated, if that is what failed. */
export function violatedUniqueIndex(error: unknown): string | undefined {
  const pg = pgError(error);
  return pg?.code === UNIQUE_VIOLATION ? (pg.constraint_name ?? '') : undefined;
}

/** Whether a statement named a row that does not exist (a foreign key it references). */
export function violatedForeignKey(error: unknown): boolean {
  return pgError(error)?.code === FOREIGN_KEY_VIOLATION;
}
