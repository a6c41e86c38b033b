/**
 * Hall displays, the secretariat's side: confirming the code a screen shows
 * (pairing it to a meeting), listing, moving and unpairing screens. Every
 * change is told to listeners (the `/display` namespace pushes it and, on
 * unpairing, cuts the screen's sockets). What the screens themselves do and
 * read is in screens.ts.
 */
import { EventEmitter } from 'node:events';
import { and, eq, gt } from 'drizzle-orm';
import type { DisplayConfirm, DisplayDto, DisplayMeeting, DisplayReassign } from '../../contract/display.ts';
import type { Confidentiality } from '../../contract/documents.ts';
import type { SessionUser, UserDto } from '../../contract/identity.ts';
import type { ConferencePointDto } from '../../contract/conference.ts';
import type { DisplayViewers } from '../conference/index.ts';

/** What the wall's sockets ask of the conference's display viewers. */
export type WallViewers = Pick<
  DisplayViewers,
  'watch' | 'leave' | 'forgetDisplay' | 'setRtpCapabilities' | 'createTransport' | 'connectTransport' | 'restartIce' | 'consume' | 'resumeConsumer'
>;
import type { LiveSnapshot } from '../../contract/live.ts';
import type { PollDto } from '../../contract/votes.ts';
import type { Db } from '../../db/client.ts';
import { displays } from '../../db/schema/display.ts';
import { AppError } from '../../errors.ts';

export type DisplayRow = typeof displays.$inferSelect;

/** What the display module needs of other modules, through their services. */
export type DisplayDeps = {
  live: { snapshotForDisplay(meetingId: string): Promise<LiveSnapshot> };
  /** the conference module: where each of the meeting's points stands (the wall's grid of points), and the receive-only view of its stage */
  conference: { pointsForDisplay(meetingId: string): Promise<ConferencePointDto[]>; displayViewers: WallViewers };
  polls: { listForDisplay(meetingId: string): Promise<PollDto[]> };
  /** MeetingService: the headline, read without a user (the pairing authorises the screen); the secretary's access */
  meetings: { headline(meetingId: string): Promise<DisplayMeeting | null>; access(user: SessionUser, meetingId: string): Promise<{ canManage: boolean }> };
  /** UserService: who paired a screen; who presents (the wall shows only what they may read) */
  users: { namesById(ids: readonly string[]): Promise<Map<string, { fullName: string }>>; get(id: string): Promise<UserDto> };
  /** the auth module's failure throttle (its table and counters), with the display's own limits and keys */
  throttle: (limits: { perAccount: number; perAddress: number; windowMs: number }) => Throttle;
  /** DocumentService: one version of a document of this meeting, read without a user */
  documents: {
    versionFile(meetingId: string, documentId: string, version: number): Promise<{ path: string; sha256: string; filename: string; confidentiality: Confidentiality; viewOnly: boolean } | null>;
    /** whether this user may read the document */
    mayRead(user: SessionUser, documentId: string): Promise<boolean>;
    /** the file a screen shows: confidential documents as a copy stamped with the screen's lines */
    wallFile(displayId: string, lines: string[], file: { path: string; sha256: string; viewOnly: boolean }): Promise<string>;
  };
};

/** Counts wrong guesses per key in a window (the auth module's LoginThrottle). */
export type Throttle = { attempt(keys: readonly string[], now?: Date): Promise<number>; forgive(keys: readonly string[]): Promise<void> };

/** A screen's assignment changed; `removed`: it was unpaired (its device token no longer works). */
export type DisplayChange = { displayId: string; meetingId: string | null; previousMeetingId: string | null; removed: boolean };

/** Which of these screens have a socket connected now (answered by the namespace). */
export type DisplayPresence = (displayIds: string[]) => Promise<Set<string>>;

/** Wrong codes: a user may miss 10 times, one code may be missed 5 times, per 10 minutes. */
const THROTTLE = { perAccount: 10, perAddress: 5, windowMs: 10 * 60_000 };

/** What the secretariat's side needs of other modules. */
export type SecretariatDeps = Pick<DisplayDeps, 'users' | 'throttle'> & { meetings: Pick<DisplayDeps['meetings'], 'access'> };

export class DisplayService {
  readonly #db: Db;
  readonly #deps: SecretariatDeps;
  readonly #changes = new EventEmitter<{ change: [DisplayChange] }>();
  readonly #throttle: Throttle;
  #presence: DisplayPresence = async () => new Set();

  constructor(db: Db, deps: SecretariatDeps) {
    this.#db = db;
    this.#deps = deps;
    // The login throttle's table and counters, with keys of our own: "account:" limits per user, "address:" per code.
    this.#throttle = deps.throttle(THROTTLE);
  }

  onChange(listener: (change: DisplayChange) => void): void {
    this.#changes.on('change', listener);
  }

  setPresence(presence: DisplayPresence): void {
    this.#presence = presence;
  }

  /** The secretary confirms the code a screen shows: the screen is paired to (or moved to) this meeting. */
  async confirm(user: SessionUser, meetingId: string, input: DisplayConfirm): Promise<DisplayDto> {
    await this.#assertManages(user, meetingId);
    const keys = [`account:display-pairing:${user.id}`, `address:display-code:${input.code}`];
    // Counted before the lookup, atomically: parallel guesses cannot slip past the limit.
    const waitMs = await this.#throttle.attempt(keys);
    if (waitMs > 0) throw new AppError(429, 'displayPairThrottled', { params: { minutes: Math.max(1, Math.ceil(waitMs / 60_000)) } });

    const now = new Date();
    const [found] = await this.#db.select().from(displays).where(eq(displays.pairingCode, input.code)).limit(1);
    if (found === undefined || found.codeExpiresAt === null || found.codeExpiresAt <= now) {
      throw new AppError(400, found === undefined ? 'displayCodeUnknown' : 'displayCodeExpired', { field: 'code' });
    }
    // Conditional on the code: two secretaries typing the same code at once pair the screen once.
    const [row] = await this.#db
      .update(displays)
      .set({ name: input.name.trim(), meetingId, pairingCode: null, codeExpiresAt: null, pairedBy: user.id, pairedAt: now })
      .where(and(eq(displays.id, found.id), eq(displays.pairingCode, input.code), gt(displays.codeExpiresAt, now)))
      .returning();
    if (row === undefined) throw new AppError(400, 'displayCodeExpired', { field: 'code' });
    await this.#throttle.forgive(keys); // a right code is not a guess
    this.#changes.emit('change', { displayId: row.id, meetingId, previousMeetingId: found.meetingId, removed: false });
    return (await this.#dtos([row]))[0]!;
  }

  async list(user: SessionUser, meetingId: string): Promise<DisplayDto[]> {
    await this.#assertManages(user, meetingId);
    const rows = await this.#db.select().from(displays).where(eq(displays.meetingId, meetingId)).orderBy(displays.pairedAt);
    return this.#dtos(rows);
  }

  /** Moves a paired screen to this meeting; the caller must manage both meetings. */
  async reassign(user: SessionUser, meetingId: string, displayId: string, input: DisplayReassign): Promise<DisplayDto> {
    await this.#assertManages(user, meetingId);
    const display = await this.#managedDisplay(user, displayId);
    const [row] = await this.#db
      .update(displays)
      .set({ meetingId, ...(input.name === undefined ? {} : { name: input.name.trim() }) })
      .where(eq(displays.id, displayId))
      .returning();
    if (row === undefined) throw new AppError(404, 'displayNotFound');
    this.#changes.emit('change', { displayId, meetingId, previousMeetingId: display.meetingId, removed: false });
    return (await this.#dtos([row]))[0]!;
  }

  /** Forgets the screen: its cookie stops working and its sockets are cut; it shows a new code. */
  async unpair(user: SessionUser, meetingId: string, displayId: string): Promise<void> {
    await this.#assertManages(user, meetingId);
    const [row] = await this.#db
      .delete(displays)
      .where(and(eq(displays.id, displayId), eq(displays.meetingId, meetingId)))
      .returning();
    if (row === undefined) throw new AppError(404, 'displayNotFound');
    this.#changes.emit('change', { displayId, meetingId: null, previousMeetingId: meetingId, removed: true });
  }

  async #assertManages(user: SessionUser, meetingId: string): Promise<void> {
    const access = await this.#deps.meetings.access(user, meetingId);
    if (!access.canManage) throw new AppError(403, 'forbidden');
  }

  /** A screen the caller may move: unassigned, or in a meeting they manage (else it does not exist for them). */
  async #managedDisplay(user: SessionUser, displayId: string): Promise<DisplayRow> {
    const [row] = await this.#db.select().from(displays).where(eq(displays.id, displayId)).limit(1);
    if (row === undefined || row.pairedAt === null) throw new AppError(404, 'displayNotFound');
    if (row.meetingId !== null) {
      try {
        await this.#assertManages(user, row.meetingId);
      } catch {
        throw new AppError(404, 'displayNotFound');
      }
    }
    return row;
  }

  async #dtos(rows: DisplayRow[]): Promise<DisplayDto[]> {
    const names = await this.#deps.users.namesById(rows.map((r) => r.pairedBy).filter((id): id is string => id !== null));
    const online = await this.#presence(rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      name: r.name ?? '',
      meetingId: r.meetingId,
      pairedAt: r.pairedAt?.toISOString() ?? null,
      pairedByName: r.pairedBy === null ? null : (names.get(r.pairedBy)?.fullName ?? null),
      online: online.has(r.id),
    }));
  }
}
