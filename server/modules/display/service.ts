/**
 * Hall displays: pairing by code, assignment to one meeting, and the little a
 * paired screen may read (its meeting's headline, the presented PDF, the
 * polls for the wall). Every change is told to listeners (the `/display`
 * namespace pushes it and, on unpairing, cuts the screen's sockets).
 */
import { EventEmitter } from 'node:events';
import { and, count, eq, gt, isNull, lt } from 'drizzle-orm';
import type { DisplayConfirm, DisplayDto, DisplayMeeting, DisplayPresentation, DisplayReassign, DisplayState, PairingDto, PresentationFileQuery } from '../../contract/display.ts';
import { PAIRING_CODE_TTL_MS } from '../../contract/display.ts';
import type { Confidentiality } from '../../contract/documents.ts';
import type { SessionUser } from '../../contract/identity.ts';
import type { LiveSnapshot } from '../../contract/live.ts';
import type { PollDto } from '../../contract/votes.ts';
import type { Db } from '../../db/client.ts';
import { violatedUniqueIndex } from '../../db/errors.ts';
import { displays } from '../../db/schema/display.ts';
import { AppError } from '../../errors.ts';
import { hashDeviceToken, newDeviceToken, newPairingCode } from './device.ts';

export type DisplayRow = typeof displays.$inferSelect;

/** What the display module needs of other modules, through their services. */
export type DisplayDeps = {
  live: { snapshotForDisplay(meetingId: string): Promise<LiveSnapshot> };
  polls: { listForDisplay(meetingId: string): Promise<PollDto[]> };
  /** MeetingService: the headline, read without a user (the pairing authorises the screen); the secretary's access */
  meetings: { headline(meetingId: string): Promise<DisplayMeeting | null>; access(user: SessionUser, meetingId: string): Promise<{ canManage: boolean }> };
  /** UserService: who paired a screen */
  users: { namesById(ids: readonly string[]): Promise<Map<string, { fullName: string }>> };
  /** the auth module's failure throttle (its table and counters), with the display's own limits and keys */
  throttle: (limits: { perAccount: number; perAddress: number; windowMs: number }) => Throttle;
  /** DocumentService: one version of a document of this meeting, read without a user */
  documents: {
    versionFile(meetingId: string, documentId: string, version: number): Promise<{ path: string; filename: string; confidentiality: Confidentiality; viewOnly: boolean } | null>;
  };
};

/** Counts wrong guesses per key in a window (the auth module's LoginThrottle). */
export type Throttle = { blockedFor(keys: string[], now?: Date): Promise<number>; recordFailure(keys: string[], now?: Date): Promise<void> };

/** A screen's assignment changed; `removed`: it was unpaired (its device token no longer works). */
export type DisplayChange = { displayId: string; meetingId: string | null; previousMeetingId: string | null; removed: boolean };

/** Which of these screens have a socket connected now (answered by the namespace). */
export type DisplayPresence = (displayIds: string[]) => Promise<Set<string>>;

/** Wrong codes: a user may miss 10 times, one code may be missed 5 times, per 10 minutes. */
const THROTTLE = { perAccount: 10, perAddress: 5, windowMs: 10 * 60_000 };
/** A screen nobody confirmed within a day is forgotten (its cookie then asks for a new code). */
const ABANDONED_AFTER_MS = 24 * 60 * 60_000;
/** New screens nobody confirmed yet, at most this many per 10 minutes: a script cannot fill the table. */
const NEW_SCREENS_PER_WINDOW = 200;
const NEW_SCREENS_WINDOW_MS = 10 * 60_000;
/** A code with less than this left is replaced when the screen asks again, so nobody types a dying code. */
const CODE_REFRESH_MARGIN_MS = 60_000;

export class DisplayService {
  readonly #db: Db;
  readonly #deps: DisplayDeps;
  readonly #changes = new EventEmitter<{ change: [DisplayChange] }>();
  readonly #throttle: Throttle;
  #presence: DisplayPresence = async () => new Set();

  constructor(db: Db, deps: DisplayDeps) {
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

  /** The screen behind a device token, or undefined (no cookie, unpaired, forgotten). */
  async authenticate(token: string | undefined): Promise<DisplayRow | undefined> {
    if (token === undefined || token === '' || token.length > 100) return undefined;
    const [row] = await this.#db.select().from(displays).where(eq(displays.secretHash, hashDeviceToken(token))).limit(1);
    return row;
  }

  async require(token: string | undefined): Promise<DisplayRow> {
    const row = await this.authenticate(token);
    if (row === undefined) throw new AppError(401, 'displayUnpaired');
    return row;
  }

  /**
   * A screen asks for a code to show. A new screen gets a device token too
   * (returned for its cookie); a known one keeps its token and assignment
   * and gets its live code again (or a fresh one), so it can be moved to
   * another meeting by confirming that code.
   */
  async requestPairing(token: string | undefined): Promise<{ displayId: string; pairing: PairingDto; newToken: string | undefined }> {
    await this.#sweep();
    const known = await this.authenticate(token);
    const now = Date.now();
    if (known !== undefined && known.pairingCode !== null && known.codeExpiresAt !== null && known.codeExpiresAt.getTime() - now > CODE_REFRESH_MARGIN_MS) {
      return { displayId: known.id, pairing: { code: known.pairingCode, expiresAt: known.codeExpiresAt.toISOString() }, newToken: undefined };
    }
    if (known === undefined) await this.#assertRoomForNewScreen(now);
    const newToken = known === undefined ? newDeviceToken() : undefined;
    // Six digits collide now and then with another live code: draw again.
    for (let attempt = 0; attempt < 20; attempt++) {
      const code = newPairingCode();
      const expiresAt = new Date(now + PAIRING_CODE_TTL_MS);
      try {
        const [row] =
          known === undefined
            ? await this.#db.insert(displays).values({ secretHash: hashDeviceToken(newToken!), pairingCode: code, codeExpiresAt: expiresAt }).returning()
            : await this.#db.update(displays).set({ pairingCode: code, codeExpiresAt: expiresAt }).where(eq(displays.id, known.id)).returning();
        if (row === undefined) throw new AppError(401, 'displayUnpaired');
        return { displayId: row.id, pairing: { code, expiresAt: expiresAt.toISOString() }, newToken };
      } catch (error) {
        if (violatedUniqueIndex(error) !== 'displays_pairing_code_idx') throw error;
      }
    }
    throw new Error('no free pairing code after 20 draws');
  }

  async #assertRoomForNewScreen(now: number): Promise<void> {
    const [row] = await this.#db
      .select({ count: count() })
      .from(displays)
      .where(and(isNull(displays.pairedAt), gt(displays.createdAt, new Date(now - NEW_SCREENS_WINDOW_MS))));
    if ((row?.count ?? 0) >= NEW_SCREENS_PER_WINDOW) throw new AppError(429, 'rateLimited');
  }

  /** Clears dead codes (so they can be drawn again) and forgets screens never confirmed. */
  async #sweep(): Promise<void> {
    const now = new Date();
    await this.#db.update(displays).set({ pairingCode: null, codeExpiresAt: null }).where(lt(displays.codeExpiresAt, now));
    await this.#db
      .delete(displays)
      .where(and(isNull(displays.meetingId), isNull(displays.pairedAt), lt(displays.createdAt, new Date(now.getTime() - ABANDONED_AFTER_MS))));
  }

  async state(display: DisplayRow): Promise<DisplayState> {
    const live = display.pairingCode !== null && display.codeExpiresAt !== null && display.codeExpiresAt.getTime() > Date.now();
    const meeting = display.meetingId === null ? null : await this.#deps.meetings.headline(display.meetingId);
    const presented = meeting === null ? null : await this.#presented(meeting.id);
    return {
      id: display.id,
      name: display.name,
      paired: display.pairedAt !== null,
      pairing: live ? { code: display.pairingCode!, expiresAt: display.codeExpiresAt!.toISOString() } : null,
      meeting,
      presentation:
        presented === null
          ? null
          : { documentId: presented.documentId, version: presented.version, confidentiality: presented.file.confidentiality, viewOnly: presented.file.viewOnly } satisfies DisplayPresentation,
    };
  }

  /** What is presented now in this meeting, with its stored file; null when nothing (or nothing servable) is. */
  async #presented(meetingId: string) {
    const presentation = (await this.#deps.live.snapshotForDisplay(meetingId)).presentation;
    if (presentation === null) return null;
    const file = await this.#deps.documents.versionFile(meetingId, presentation.documentId, presentation.version);
    return file === null ? null : { documentId: presentation.documentId, version: presentation.version, file };
  }

  /** The secretary confirms the code a screen shows: the screen is paired to (or moved to) this meeting. */
  async confirm(user: SessionUser, meetingId: string, input: DisplayConfirm): Promise<DisplayDto> {
    await this.#assertManages(user, meetingId);
    const keys = [`account:display-pairing:${user.id}`, `address:display-code:${input.code}`];
    const waitMs = await this.#throttle.blockedFor(keys);
    if (waitMs > 0) throw new AppError(429, 'displayPairThrottled', { params: { minutes: Math.max(1, Math.ceil(waitMs / 60_000)) } });

    const now = new Date();
    const [found] = await this.#db.select().from(displays).where(eq(displays.pairingCode, input.code)).limit(1);
    if (found === undefined || found.codeExpiresAt === null || found.codeExpiresAt <= now) {
      await this.#throttle.recordFailure(keys, now);
      throw new AppError(400, found === undefined ? 'displayCodeUnknown' : 'displayCodeExpired', { field: 'code' });
    }
    // Conditional on the code: two secretaries typing the same code at once pair the screen once.
    const [row] = await this.#db
      .update(displays)
      .set({ name: input.name.trim(), meetingId, pairingCode: null, codeExpiresAt: null, pairedBy: user.id, pairedAt: now })
      .where(and(eq(displays.id, found.id), eq(displays.pairingCode, input.code), gt(displays.codeExpiresAt, now)))
      .returning();
    if (row === undefined) throw new AppError(400, 'displayCodeExpired', { field: 'code' });
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

  /** For the socket: the screen may follow only its own meeting (read fresh, it may have moved). */
  async assertShows(displayId: string, meetingId: string): Promise<void> {
    const [row] = await this.#db.select({ meetingId: displays.meetingId }).from(displays).where(eq(displays.id, displayId)).limit(1);
    if (row === undefined) throw new AppError(401, 'displayUnpaired');
    if (row.meetingId === null) throw new AppError(403, 'displayNoMeeting');
    if (row.meetingId !== meetingId) throw new AppError(403, 'displayWrongMeeting');
  }

  snapshot(displayId: string, meetingId: string): Promise<LiveSnapshot> {
    return this.assertShows(displayId, meetingId).then(() => this.#deps.live.snapshotForDisplay(meetingId));
  }

  async polls(display: DisplayRow): Promise<PollDto[]> {
    if (display.meetingId === null) throw new AppError(404, 'displayNoMeeting');
    return this.#deps.polls.listForDisplay(display.meetingId);
  }

  /**
   * The PDF the presenter shows now in this screen's meeting, and nothing
   * else: no presentation, another document or another version → 404.
   */
  async presentedFile(display: DisplayRow, query: PresentationFileQuery): Promise<{ path: string; filename: string; viewOnly: boolean; confidentiality: Confidentiality }> {
    if (display.meetingId === null) throw new AppError(404, 'displayNoMeeting');
    const presented = await this.#presented(display.meetingId);
    if (presented === null) throw new AppError(404, 'displayNotPresenting');
    if ((query.document !== undefined && query.document !== presented.documentId) || (query.version !== undefined && query.version !== presented.version)) {
      throw new AppError(404, 'displayNotPresenting');
    }
    const { path, filename, viewOnly, confidentiality } = presented.file;
    return { path, filename, viewOnly, confidentiality };
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
