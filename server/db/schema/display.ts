/**
 * Hall displays (màn hình chiếu): browsers on the wall with no login. Each is
 * a device known by a random secret in an httpOnly cookie (only its hash is
 * stored). Until the secretary confirms the short code it shows, it is
 * pending; confirmed, it is assigned to one meeting. The database is the
 * source of truth, so a reload or a restart keeps it paired.
 */
import { sql } from 'drizzle-orm';
import { index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from './identity.ts';
import { meetings } from './meetings.ts';
import { idColumn, instant, stampedAt, optionalRef } from './columns.ts';

export const displays = pgTable(
  'displays',
  {
    id: idColumn(),
    /** sha-256 (hex) of the device cookie's secret: a stolen database dump does not pair a screen */
    secretHash: text('secret_hash').notNull(),
    /** given by the secretary when confirming; null while pending */
    name: text('name'),
    /** the short code shown on the screen (null once confirmed, until the screen asks for a new one) */
    pairingCode: text('pairing_code'),
    codeExpiresAt: instant('code_expires_at'),
    /** the meeting it shows; null while pending (or when its meeting was deleted) */
    meetingId: optionalRef('meeting_id', () => meetings.id, 'set null'),
    pairedBy: optionalRef('paired_by', () => users.id, 'set null'),
    pairedAt: instant('paired_at'),
    createdAt: stampedAt('created_at'),
  },
  (t) => [
    uniqueIndex('displays_secret_hash_idx').on(t.secretHash),
    // Two screens never show the same live code; expired codes are cleared before a new one is drawn.
    uniqueIndex('displays_pairing_code_idx').on(t.pairingCode).where(sql`${t.pairingCode} is not null`),
    index('displays_meeting_idx').on(t.meetingId),
  ],
);
