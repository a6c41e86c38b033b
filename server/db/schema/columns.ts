/**
 * Column shapes every context repeats (a generated id, instants, references
 * to other rows), so that a table reads as its own fields. Each helper gives
 * exactly the SQL that writing the column out would: `drizzle-kit generate`
 * finds no change.
 */
import { timestamp, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';

/** What happens to a row when the row it refers to is deleted. */
type OnDelete = 'cascade' | 'restrict' | 'set null';

/** A uuid primary key the database generates. */
export const idColumn = () => uuid('id').primaryKey().defaultRandom();

/** A point in time; every time is stored as an instant with its time zone. */
export const instant = (name: string) => timestamp(name, { withTimezone: true });

/** The instant the row was written, set by the database. */
export const stampedAt = (name: string) => instant(name).notNull().defaultNow();

/** A reference every row must have. */
export const requiredRef = (name: string, target: () => AnyPgColumn, onDelete: OnDelete) =>
  uuid(name).notNull().references(target, { onDelete });

/** A reference a row may lack. */
export const optionalRef = (name: string, target: () => AnyPgColumn, onDelete: OnDelete) => uuid(name).references(target, { onDelete });
