/** Shapes of polls (biểu quyết) and elections (bầu cử), shared by routes, sockets, web and tests. */
import Type, { type Static } from 'typebox';
import { FileBody, Nullable, Uuid, VisibleText } from './common.ts';

export const MOTION_OPTIONS = ['yes', 'no', 'abstain'] as const;
export type MotionOption = (typeof MOTION_OPTIONS)[number];
export const POLL_THRESHOLDS = ['half_all', 'two_thirds_all', 'half_present', 'custom'] as const;
export type PollThreshold = (typeof POLL_THRESHOLDS)[number];
const Strict = { additionalProperties: false } as const;

export const PollCreate = Type.Object(
  {
    kind: Type.Enum(['motion', 'election'] as const),
    title: VisibleText(2, 500),
    agendaItemId: Type.Optional(Nullable(Uuid)),
    secret: Type.Boolean(),
    eligibility: Type.Optional(Type.Enum(['present', 'all_members'] as const)),
    allowProxy: Type.Optional(Type.Boolean()),
    allowChange: Type.Optional(Type.Boolean()),
    threshold: Type.Optional(Type.Enum(POLL_THRESHOLDS)),
    custom: Type.Optional(Type.Object({ numerator: Type.Integer({ minimum: 1, maximum: 100 }), denominator: Type.Integer({ minimum: 1, maximum: 100 }) }, Strict)),
    candidates: Type.Optional(Type.Array(VisibleText(2, 200), { minItems: 1, maxItems: 100 })),
    maxChoices: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    /** elections: how many are to be elected (default: the per-ballot limit); never more are declared elected */
    seats: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  Strict,
);
export type PollCreate = Static<typeof PollCreate>;

export const PollOpen = Type.Object({ quorumOverrideReason: Type.Optional(VisibleText(5, 500)) }, Strict);
export const PollParams = Type.Object({ meetingId: Uuid, pollId: Uuid }, Strict);
export const PaperCounts = Type.Object(
  {
    /** motion: yes/no/abstain; election: votes per candidate id */
    counts: Type.Record(Type.String({ maxLength: 64 }), Type.Integer({ minimum: 0, maximum: 100_000 })),
    ballotsReturned: Type.Integer({ minimum: 0, maximum: 100_000 }),
    ballotsInvalid: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    /** required when the counts replace ballots cast electronically (a closed electronic result, or ballots already cast); kept in the poll's history and on the result */
    overrideReason: Type.Optional(VisibleText(5, 500)),
  },
  Strict,
);
export type PaperCounts = Static<typeof PaperCounts>;

/** A ballot cast from a tablet; `voterUserId` is set only when a proxy votes for the delegate they represent. */
export const CastBallot = Type.Object(
  {
    meetingId: Uuid,
    pollId: Uuid,
    idempotencyKey: Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
    choice: Type.Union([Type.Enum(MOTION_OPTIONS), Type.Array(Uuid, { maxItems: 100, uniqueItems: true })]),
    voterUserId: Type.Optional(Uuid),
  },
  Strict,
);
export type CastBallot = Static<typeof CastBallot>;
export type CastReceipt = { receipt: string; alreadyCast: boolean };

const Fraction = Type.Object({ numerator: Type.Integer(), denominator: Type.Integer() });

export const OptionResult = Type.Object({
  /** yes/no/abstain, or the candidate's id */
  key: Type.String(),
  label: Type.String(),
  votes: Type.Integer(),
  percent: Type.Number(),
  passed: Nullable(Type.Boolean()),
  /** an election candidate tied at the last seat(s), to be decided by a run-off */
  tied: Type.Optional(Type.Boolean()),
});
export type OptionResult = Static<typeof OptionResult>;

/** How an election's seats were filled. */
export const ElectionOutcome = Type.Object({
  seats: Type.Integer(),
  elected: Type.Integer(),
  /** candidates over the threshold with equal votes at the cut-off, more of them than the seats left for them: a run-off (bầu lại) decides */
  tie: Nullable(Type.Object({ keys: Type.Array(Type.String()), seats: Type.Integer() })),
  /** seats left empty because fewer candidates passed the threshold than there are seats */
  unfilled: Type.Integer(),
});
export type ElectionOutcome = Static<typeof ElectionOutcome>;

/** A result entered from paper ballots: the reason given when it replaced ballots cast electronically, and how many it replaced. */
export const PaperNote = Type.Object({ reason: Nullable(Type.String()), replacedBallots: Type.Integer() });
export type PaperNote = Static<typeof PaperNote>;

export const PollResult = Type.Object({
  source: Type.Enum(['electronic', 'paper'] as const),
  base: Type.Integer(),
  baseLabel: Type.Enum(['all_members', 'present'] as const),
  required: Type.Integer(),
  eligible: Type.Integer(),
  ballotsIssued: Type.Integer(),
  ballotsReturned: Type.Integer(),
  ballotsValid: Type.Integer(),
  ballotsInvalid: Type.Integer(),
  turnoutPercent: Type.Number(),
  options: Type.Array(OptionResult),
  /** motions: whether "yes" reached the threshold; elections: null (see each candidate) */
  passed: Nullable(Type.Boolean()),
  /** elections (absent in results counted before seats existed) */
  election: Type.Optional(ElectionOutcome),
  /** paper counts only */
  paper: Type.Optional(PaperNote),
});
export type PollResult = Static<typeof PollResult>;

export const POLL_HISTORY_ACTIONS = ['created', 'opened', 'quorum-overridden', 'closed', 'published', 'cancelled', 'paper-counts', 'runoff', 'closed-with-meeting'] as const;
export const PollHistoryEntry = Type.Object({ action: Type.String(), byName: Type.String(), at: Type.String(), reason: Nullable(Type.String()) });
export type PollHistoryEntry = Static<typeof PollHistoryEntry>;

/** `voterUserId` is the viewer's own id for their own ballot, the delegate's id for a proxy ballot. */
/** `receipt`: once voted, the code this ballot's receipt has among the published ones (the same on every device). */
export const MyBallot = Type.Object({ voterUserId: Uuid, fullName: Type.String(), proxy: Type.Boolean(), voted: Type.Boolean(), receipt: Nullable(Type.String()) });
export type MyBallot = Static<typeof MyBallot>;

export const PollDto = Type.Object({
  id: Uuid,
  meetingId: Uuid,
  agendaItemId: Nullable(Uuid),
  kind: Type.Enum(['motion', 'election'] as const),
  title: Type.String(),
  secret: Type.Boolean(),
  eligibility: Type.Enum(['present', 'all_members'] as const),
  allowProxy: Type.Boolean(),
  allowChange: Type.Boolean(),
  threshold: Type.Enum(POLL_THRESHOLDS),
  custom: Nullable(Fraction),
  candidates: Type.Array(Type.Object({ id: Uuid, name: Type.String() })),
  maxChoices: Nullable(Type.Integer()),
  /** elections: how many are to be elected */
  seats: Nullable(Type.Integer()),
  /** a run-off (bầu lại): the poll whose tie it decides */
  runoffOf: Nullable(Uuid),
  status: Type.Enum(['draft', 'open', 'closed', 'published', 'cancelled'] as const),
  turnout: Type.Object({
    eligible: Type.Integer(),
    cast: Type.Integer(),
    /** who has not voted yet: public open polls, for those running the meeting only */
    notVoted: Nullable(Type.Array(Type.Object({ userId: Uuid, fullName: Type.String() }))),
  }),
  result: Nullable(PollResult),
  /** The poll's lifecycle (created, opened, quorum-overridden, closed, published, cancelled, paper-counts), oldest first; never about voters. */
  history: Type.Array(PollHistoryEntry),
  /**
   * The ballots the viewer may cast: their own when eligible, and one per
   * absent delegate they hold the proxy of (when the poll allows proxies).
   * Empty for drafts, for displays and for people who may not vote.
   */
  mine: Type.Array(MyBallot),
});
export type PollDto = Static<typeof PollDto>;

/** One receipt among those counted in a published poll; never with a choice (see README, receipts). */
export const PublishedBallot = Type.Object({ receipt: Type.String() });
export type PublishedBallot = Static<typeof PublishedBallot>;

/** How one person voted in a public poll (published with its result). */
export const PublicVote = Type.Object({ fullName: Type.String(), choice: Type.Union([Type.Enum(MOTION_OPTIONS), Type.Array(Type.String())]) });
export type PublicVote = Static<typeof PublicVote>;

// — what the routes answer (their response schemas; the web client's envelope types) —

export const PollEnvelope = Type.Object({ poll: PollDto });
export type PollEnvelope = Static<typeof PollEnvelope>;
export const PollListEnvelope = Type.Object({ polls: Type.Array(PollDto) });
export type PollListEnvelope = Static<typeof PollListEnvelope>;
export const PublishedBallotsEnvelope = Type.Object({ ballots: Type.Array(PublishedBallot) });
export type PublishedBallotsEnvelope = Static<typeof PublishedBallotsEnvelope>;
export const PublicVotesEnvelope = Type.Object({ votes: Type.Array(PublicVote) });
export type PublicVotesEnvelope = Static<typeof PublicVotesEnvelope>;
/** The result as a spreadsheet (UTF-8 CSV with a byte order mark). */
export const ResultCsv = FileBody('text/csv');
