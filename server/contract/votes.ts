/** Shapes of polls (biểu quyết) and elections (bầu cử), shared by routes, sockets, web and tests. */
import Type, { type Static } from 'typebox';
import { Nullable, Uuid, VisibleText } from './common.ts';

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

export type OptionResult = { key: string; label: string; votes: number; percent: number; passed: boolean | null };
export type PollResult = {
  source: 'electronic' | 'paper';
  base: number;
  baseLabel: 'all_members' | 'present';
  required: number;
  eligible: number;
  ballotsIssued: number;
  ballotsReturned: number;
  ballotsValid: number;
  ballotsInvalid: number;
  turnoutPercent: number;
  options: OptionResult[];
  /** motions: whether "yes" reached the threshold; elections: null (see each candidate) */
  passed: boolean | null;
};

export type PollDto = {
  id: string;
  meetingId: string;
  agendaItemId: string | null;
  kind: 'motion' | 'election';
  title: string;
  secret: boolean;
  eligibility: 'present' | 'all_members';
  allowProxy: boolean;
  allowChange: boolean;
  threshold: PollThreshold;
  custom: { numerator: number; denominator: number } | null;
  candidates: { id: string; name: string }[];
  maxChoices: number | null;
  status: 'draft' | 'open' | 'closed' | 'published' | 'cancelled';
  turnout: { eligible: number; cast: number; notVoted: { userId: string; fullName: string }[] | null };
  result: PollResult | null;
  /** The poll's lifecycle (created, opened, quorum-overridden, closed, closed-with-meeting, published, cancelled, paper-counts), oldest first; never about voters. */
  history: PollHistoryEntry[];
  /**
   * The ballots the viewer may cast: their own when eligible, and one per
   * absent delegate they hold the proxy of (when the poll allows proxies).
   * Empty for drafts, for displays and for people who may not vote.
   */
  mine: MyBallot[];
};

export const POLL_HISTORY_ACTIONS = ['created', 'opened', 'quorum-overridden', 'closed', 'closed-with-meeting', 'published', 'cancelled', 'paper-counts'] as const;
export type PollHistoryEntry = { action: string; byName: string; at: string; reason: string | null };
/**
 * `voterUserId` is the viewer's own id for their own ballot, the delegate's id for a proxy ballot.
 * `receipt`: once voted, the code this ballot's receipt has among the published ones (the same on every device).
 */
export type MyBallot = { voterUserId: string; fullName: string; proxy: boolean; voted: boolean; receipt: string | null };

/** One receipt among those counted in a published poll; never with a choice (see README, receipts). */
export type PublishedBallot = { receipt: string };
