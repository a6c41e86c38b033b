/**
 * The roots of trust a signature's certificate must chain to (e.g. the
 * Government Cipher Committee's root CA, a licensed CA's root): the admin
 * uploads them, verification of every signed PDF uses them.
 */
import { customType, pgTable, text } from 'drizzle-orm/pg-core';
import { idColumn, optionalRef, stampedAt } from './columns.ts';
import { users } from './identity.ts';

const bytea = customType<{ data: Uint8Array; driverData: Buffer }>({
  dataType: () => 'bytea',
  toDriver: (value) => Buffer.from(value),
  fromDriver: (value) => new Uint8Array(value),
});

export const trustedRoots = pgTable('trusted_roots', {
  id: idColumn(),
  /** the certificate, DER */
  der: bytea('der').notNull(),
  /** SHA-256 of the DER, hex: the same root is not added twice */
  fingerprint: text('fingerprint').notNull().unique(),
  subject: text('subject').notNull(),
  notAfter: text('not_after').notNull(),
  addedBy: optionalRef('added_by', () => users.id, 'set null'),
  addedAt: stampedAt('added_at'),
});
