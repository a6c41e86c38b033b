/**
 * What wall screens do and read: ask for a pairing code (a new screen gets
 * its device token too), authenticate by that token, and read the little a
 * paired screen may (its meeting's headline, the presented PDF, the polls,
 * the live snapshot of its own meeting only). The secretariat's side is in
 * service.ts.
 */
import { and, count, eq, gt, isNull, lt } from 'drizzle-orm';
import type { DisplayPresentation, DisplayState, PairingDto, PresentationFileQuery } from '../../contract/display.ts';
import { PAIRING_CODE_TTL_MS } from '../../contract/display.ts';
import type { Confidentiality } from '../../contract/documents.ts';
import type { LiveSnapshot } from '../../contract/live.ts';
import type { PollDto } from '../../contract/votes.ts';
import type { Db } from '../../db/client.ts';
import { violatedUniqueIndex } from '../../db/errors.ts';
import { displays } from '../../db/schema/display.ts';
import { AppError } from '../../errors.ts';
import { hashDeviceToken, newDeviceToken, newPairingCode } from './device.ts';
import type { DisplayDeps, DisplayRow } from './service.ts';
import type { ConferencePointDto } from '../../contract/conference.ts';

/** A screen nobody confirmed within a day is forgotten (its cookie then asks for a new code). */
const ABANDONED_AFTER_MS = 24 * 60 * 60_000;
/** New screens nobody confirmed yet, at most this many per 10 minutes: a script cannot fill the table. */
const NEW_SCREENS_PER_WINDOW = 200;
const NEW_SCREENS_WINDOW_MS = 10 * 60_000;
/** A code with less than this left is replaced when the screen asks again, so nobody types a dying code. */
const CODE_REFRESH_MARGIN_MS = 60_000;

/** What the screens' side needs of other modules. */
export type ScreenDeps = Pick<DisplayDeps, 'live' | 'polls' | 'documents' | 'users' | 'conference'> & { meetings: Pick<DisplayDeps['meetings'], 'headline'> };

export class DisplayScreens {
  readonly #db: Db;
  readonly #deps: ScreenDeps;

  constructor(db: Db, deps: ScreenDeps) {
    this.#db = db;
    this.#deps = deps;
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
    return file === null ? null : { documentId: presentation.documentId, version: presentation.version, presenterUserId: presentation.presenterUserId, file };
  }

  /** Whether the presenter may (still) read what they present: the wall shows nothing they may not. */
  async #presenterMayRead(presenterUserId: string, documentId: string): Promise<boolean> {
    const presenter = await this.#deps.users.get(presenterUserId).catch(() => null);
    if (presenter === null || !presenter.active) return false;
    const { id, username, fullName, role, unitId, locale } = presenter;
    return this.#deps.documents.mayRead({ id, username, fullName, role, unitId, locale }, documentId);
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

  /** The meeting's conference points and where each stands, for the wall's paged grid. */
  async points(display: DisplayRow): Promise<ConferencePointDto[]> {
    if (display.meetingId === null) throw new AppError(404, 'displayNoMeeting');
    return this.#deps.conference.pointsForDisplay(display.meetingId);
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
    if (!(await this.#presenterMayRead(presented.presenterUserId, presented.documentId))) throw new AppError(404, 'displayNotPresenting');
    const { filename, viewOnly, confidentiality } = presented.file;
    // A confidential page on the wall carries the screen's name and the time, drawn into the page like a reader's copy.
    const path = await this.#deps.documents.wallFile(display.id, [`Màn hình: ${display.name}`], presented.file);
    return { path, filename, viewOnly, confidentiality };
  }
}
