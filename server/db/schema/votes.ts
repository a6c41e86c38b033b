/**
 * Votes and elections. For a secret poll the database never holds a voter
 * next to a readable choice: while the poll is open each voter's ballot is
 * sealed (AES-GCM, fixed length, under the poll's own key, which is kept
 * outside the database and destroyed at close); at close the ballots are
 * opened, shuffled and written as anonymous rows in one statement (one
 * transaction id, no timestamps, random ids), the counted receipts are
 * written apart from the choices, and the seals are erased.
 */
import { type AnyPgColumn, boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { users } from './identity.ts';
import { agendaItems, meetings } from './meetings.ts';
import { idColumn, stampedAt, requiredRef, optionalRef } from './columns.ts';

export const pollKind = pgEnum('poll_kind', ['motion', 'election']);
export const pollStatus = pgEnum('poll_status', ['draft', 'open', 'closed', 'published', 'cancelled']);
export const pollEligibility = pgEnum('poll_eligibility', ['present', 'all_members']);
export const pollThreshold = pgEnum('poll_threshold', ['half_all', 'two_thirds_all', 'half_present', 'custom']);

export const polls = pgTable(
  'polls',
  {
    id: idColumn(),
    meetingId: requiredRef('meeting_id', () => meetings.id, 'cascade'),
    agendaItemId: optionalRef('agenda_item_id', () => agendaItems.id, 'set null'),
    kind: pollKind('kind').notNull(),
    title: text('title').notNull(),
    secret: boolean('secret').notNull(),
    eligibility: pollEligibility('eligibility').notNull().default('present'),
    allowProxy: boolean('allow_proxy').notNull().default(true),
    allowChange: boolean('allow_change').notNull().default(false),
    threshold: pollThreshold('threshold').notNull().default('half_all'),
    customNumerator: integer('custom_numerator'),
    customDenominator: integer('custom_denominator'),
    /** elections: approve at most this many candidates */
    maxChoices: integer('max_choices'),
    /** elections: how many are to be elected; never more are declared elected */
    seats: integer('seats'),
    /** a run-off (bầu lại) among the candidates tied at the cut-off of this poll */
    runoffOf: uuid('runoff_of').references((): AnyPgColumn => polls.id, { onDelete: 'set null' }),
    status: pollStatus('status').notNull().default('draft'),
    /** fixed when the poll opens: who may vote (voter ids) and the members present */
    eligibleVoters: jsonb('eligible_voters').$type<string[]>(),
    presentAtOpen: integer('present_at_open'),
    membershipTotal: integer('membership_total'),
    quorumOverrideReason: text('quorum_override_reason'),
    /** counts from a paper vote, entered by the secretary instead of electronic ballots */
    paperCounts: jsonb('paper_counts'),
    result: jsonb('result'),
    createdBy: requiredRef('created_by', () => users.id, 'restrict'),
    createdAt: stampedAt('created_at'),
  },
  (t) => [index('polls_meeting_idx').on(t.meetingId)],
);

export const pollCandidates = pgTable('poll_candidates', {
  id: idColumn(),
  pollId: requiredRef('poll_id', () => polls.id, 'cascade'),
  name: text('name').notNull(),
  position: integer('position').notNull(),
});

/**
 * Who voted (exactly once per voter: the primary key). For a secret poll the
 * choice is only in `sealed`, unreadable without the server's key, and erased
 * at close; no time is kept.
 */
export const pollVoters = pgTable(
  'poll_voters',
  {
    pollId: requiredRef('poll_id', () => polls.id, 'cascade'),
    /** the member whose vote this is (an absent delegate, when cast by their proxy) */
    voterUserId: requiredRef('voter_user_id', () => users.id, 'cascade'),
    castBy: requiredRef('cast_by', () => users.id, 'cascade'),
    idempotencyKey: text('idempotency_key').notNull(),
    sealed: text('sealed'),
    /** public polls only: the choice, shown with the name */
    publicChoice: jsonb('public_choice'),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.voterUserId] })],
);

/** Anonymous ballots of a closed poll: random id and choice — nothing else (no receipt: a receipt beside its choice would let a voter prove their vote). */
export const pollBallots = pgTable(
  'poll_ballots',
  {
    id: uuid('id').primaryKey(),
    pollId: requiredRef('poll_id', () => polls.id, 'cascade'),
    choice: jsonb('choice').notNull(),
  },
  (t) => [index('poll_ballots_poll_idx').on(t.pollId)],
);

/** The receipts of the ballots counted at close, published as a set: each voter finds theirs, no receipt names a choice. */
export const pollReceipts = pgTable(
  'poll_receipts',
  {
    pollId: requiredRef('poll_id', () => polls.id, 'cascade'),
    receipt: text('receipt').notNull(),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.receipt] })],
);

/** The poll's history: who opened, closed, overrode the quorum, published, cancelled (nobody: closed with its meeting). */
export const pollEvents = pgTable('poll_events', {
  id: idColumn(),
  pollId: requiredRef('poll_id', () => polls.id, 'cascade'),
  action: text('action').notNull(),
  byUserId: optionalRef('by_user_id', () => users.id, 'restrict'),
  note: text('note'),
  at: stampedAt('at'),
});
