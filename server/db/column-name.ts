/**
 * A column's bare name for raw SQL (`"poll_id"`, not `"poll_voters"."poll_id"`),
 * for statements drizzle's builder cannot write: an INSERT's column list, or a
 * condition inside a CTE or subquery that selects from the table unaliased.
 */
import { sql, type Name } from 'drizzle-orm';

export const columnName = (column: { name: string }): Name => sql.identifier(column.name);
