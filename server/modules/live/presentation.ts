/**
 * Follow the presenter: show a page of a document version, turn pages, stop.
 * A page turn is the hot path of a meeting: the usual one is worked out from
 * the owner's state, sent to every tablet at once and stored in one statement
 * (#turnAhead); otherwise one UPDATE … RETURNING gives the new presentation.
 * The page count of a version (its file never changes) is asked of the
 * documents module once and then remembered by the owner.
 */
import { and, eq, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { SessionUser } from '../../contract/identity.ts';
import type { Presentation, PresentationPage, PresentationShow } from '../../contract/live.ts';
import type { Db, Executor } from '../../db/client.ts';
import { meetingLiveState } from '../../db/schema/live.ts';
import { AppError } from '../../errors.ts';
import type { MeetingAccess } from '../meetings/index.ts';
import type { LiveMeetings } from './live-meeting.ts';
import { presentationSection } from './sections.ts';
import { requireStatus, runsMeeting, type Act, type ActAhead, type LiveDeps } from './rules.ts';

export class LivePresentation {
  readonly #db: Db;
  readonly #deps: LiveDeps;
  readonly #owners: LiveMeetings;
  readonly #act: Act;
  readonly #actAhead: ActAhead;
  readonly #rebuild: (meetingId: string) => Promise<void>;
  /** no other process changes meetings: access decisions may be cached (live-meeting.ts) */
  readonly #alone: boolean;

  constructor(db: Db, deps: LiveDeps, owners: LiveMeetings, run: { act: Act; actAhead: ActAhead; rebuild: (meetingId: string) => Promise<void>; alone: boolean }) {
    this.#db = db;
    this.#deps = deps;
    this.#owners = owners;
    this.#act = run.act;
    this.#actAhead = run.actAhead;
    this.#rebuild = run.rebuild;
    this.#alone = run.alone;
  }

  /** The chair and secretariat present; so does the presenter of the item under way. */
  async #mayPresent(access: MeetingAccess, user: SessionUser): Promise<boolean> {
    if (runsMeeting(access)) return true;
    const meetingId = access.meeting.id;
    const owner = this.#alone ? this.#owners.find(meetingId) : undefined;
    const readAt = owner?.generation;
    // The current item (ours) and its presenter (the meetings module's) at once: one round trip, as the join was.
    const [[state], agenda] = await Promise.all([
      this.#db.select({ itemId: meetingLiveState.currentItemId }).from(meetingLiveState).where(eq(meetingLiveState.meetingId, meetingId)),
      this.#deps.meetings.agenda(meetingId),
    ]);
    // Remembered for the page turns that follow (only here: a process that is not alone does not hear of agenda edits).
    if (owner !== undefined && readAt !== undefined) owner.rememberItemPresenters(new Map(agenda.map((item) => [item.id, item.presenterUserId])), readAt);
    const current = state?.itemId == null ? undefined : agenda.find((item) => item.id === state.itemId);
    return current !== undefined && current.presenterUserId === user.id;
  }

  /** Pages of a version of one of the meeting's documents (a version's file never changes, so its owner remembers). */
  async #pageCount(meetingId: string, documentId: string, version: number, executor: Executor = this.#db): Promise<number> {
    const owner = this.#owners.get(meetingId);
    const known = owner.pageCount(documentId, version);
    if (known !== undefined) return known;
    const pages = await this.#deps.documents.pageCount(meetingId, documentId, version, executor);
    if (pages === null) throw new AppError(400, 'documentNotInMeeting', { field: 'documentId' });
    owner.rememberPageCount(documentId, version, pages);
    return pages;
  }

  /** Presenting puts a document on the wall for the whole hall: only one the presenter may read themselves. */
  async #assertMayRead(user: SessionUser, documentId: string): Promise<void> {
    if (!(await this.#deps.documents.mayRead(user, documentId))) throw new AppError(403, 'documentNotReadable', { field: 'documentId' });
  }

  async show(user: SessionUser, input: PresentationShow): Promise<number> {
    const access = await this.#deps.meetings.access(user, input.meetingId);
    requireStatus(access, ['in_session']);
    if (!(await this.#mayPresent(access, user))) throw new AppError(403, 'forbidden');
    if (input.page > (await this.#pageCount(input.meetingId, input.documentId, input.version))) throw new AppError(400, 'pageOutOfRange', { field: 'page' });
    await this.#assertMayRead(user, input.documentId);
    const set = { presentationDocumentId: input.documentId, presentationVersion: input.version, presentationPage: input.page, presentationZoom: input.zoom ?? 1, presenterUserId: user.id, updatedAt: new Date() };
    return this.#act(
      input.meetingId,
      'presentation',
      async (tx) => {
        await tx.insert(meetingLiveState).values({ meetingId: input.meetingId, ...set }).onConflictDoUpdate({ target: meetingLiveState.meetingId, set });
      },
      async (tx) => ({ section: 'presentation', value: await presentationSection(tx, input.meetingId) }),
    );
  }

  /**
   * A page turn is the hot path of a meeting, and its whole effect is known
   * from the owner's state: the usual turn (the presenter on the wall turns
   * again, the page exists) goes to every tablet before its commit
   * (LiveService.#actAhead) and is acked after it. Anything unusual — no
   * cached state, someone taking over, a page out of range, another process
   * having changed the meeting — takes the ordinary way, which says why.
   */
  async turnPage(user: SessionUser, input: PresentationPage): Promise<number> {
    const ahead = await this.#turnAhead(user, input);
    if (ahead !== null) return ahead;
    const version = await this.#turnPage(user, input);
    // The owner had no state (a change it could not apply): build it again now, so the next turn is quick.
    const owner = this.#owners.find(input.meetingId);
    if (owner !== undefined && owner.cached === null) this.#warm(input.meetingId);
    return version;
  }

  async #turnAhead(user: SessionUser, input: PresentationPage): Promise<number | null> {
    const owner = this.#owners.find(input.meetingId);
    if (owner?.cached == null) return null;
    let access = this.#alone ? owner.accessOf(user) : undefined;
    // Read now: the state must then be exactly as new as the database (in a process that is not alone, always).
    let databaseVersion: number | undefined;
    if (access === undefined) {
      const readAt = owner.generation;
      access = await this.#deps.meetings.access(user, input.meetingId);
      databaseVersion = access.meeting.version;
      if (this.#alone) owner.rememberAccess(user, access, readAt);
    }
    const chairs = runsMeeting(access);
    return this.#actAhead(input.meetingId, (state) => {
      if (databaseVersion !== undefined && state.version !== databaseVersion) return null;
      if (state.status !== 'in_session') return null;
      // Not the chair: the presenter of the item under way, as the agenda was last read (unknown: the ordinary way reads it).
      if (!chairs && (!this.#alone || state.agenda.currentItemId === null || owner.itemPresenter(state.agenda.currentItemId) !== user.id)) return null;
      const shown = state.presentation;
      // Someone taking over must be able to read the document: the ordinary way checks it.
      if (shown === null || shown.presenterUserId !== user.id) return null;
      const pages = owner.pageCount(shown.documentId, shown.version);
      if (pages === undefined || input.page > pages) return null;
      const next: Presentation = { ...shown, page: input.page, zoom: input.zoom ?? shown.zoom };
      return { update: { section: 'presentation', value: next }, change: (bumped) => turnStatement(input.meetingId, shown, next, bumped) };
    });
  }

  /** Builds the owner's state again in the background (a failure only leaves the next turn on the ordinary way). */
  #warm(meetingId: string): void {
    this.#rebuild(meetingId).catch(() => undefined);
  }

  async #turnPage(user: SessionUser, input: PresentationPage): Promise<number> {
    const access = await this.#deps.meetings.access(user, input.meetingId);
    requireStatus(access, ['in_session']);
    if (!(await this.#mayPresent(access, user))) throw new AppError(403, 'forbidden');
    // Turning the page makes this user the presenter: someone taking over must be able to read the document
    // (checked before the transaction, which must not wait on other connections while it holds the row).
    const shown = await this.#shown(input.meetingId, access.meeting.version);
    if (shown?.documentId == null) throw new AppError(409, 'noPresentation');
    if (shown.presenter !== user.id) await this.#assertMayRead(user, shown.documentId);
    // The hot path of a meeting: one UPDATE … RETURNING gives the new presentation, no re-read.
    let presentation: Presentation | null = null;
    return this.#act(
      input.meetingId,
      'presentation',
      async (tx) => {
        // A page turn is the one change whose loss in a crash harms nobody (the hall resyncs to the page before, the
        // presenter turns again), so its commit does not wait for the WAL to reach the disk: atomic and ordered as
        // every change, durable a fraction of a second later. This takes the fsync off the path to every tablet.
        // (Only a crash of PostgreSQL itself in that fraction loses it; tablets that saw it resync at the next gap.)
        await tx.execute(sql`set local synchronous_commit = off`);
        const [state] = await tx
          .update(meetingLiveState)
          .set({ presentationPage: input.page, ...(input.zoom === undefined ? {} : { presentationZoom: input.zoom }), presenterUserId: user.id, updatedAt: new Date() })
          .where(and(eq(meetingLiveState.meetingId, input.meetingId), isNotNull(meetingLiveState.presentationDocumentId)))
          .returning();
        if (state?.presentationDocumentId == null || state.presentationVersion == null) throw new AppError(409, 'noPresentation');
        const pages = await this.#pageCount(input.meetingId, state.presentationDocumentId, state.presentationVersion, tx);
        if (input.page > pages) throw new AppError(400, 'pageOutOfRange', { field: 'page' }); // rolls the update back
        // Another document came up meanwhile (another process): the check above was for the old one.
        if (state.presentationDocumentId !== shown.documentId) throw new AppError(409, 'noPresentation');
        presentation = { documentId: state.presentationDocumentId, version: state.presentationVersion, page: input.page, zoom: state.presentationZoom ?? 1, presenterUserId: user.id };
      },
      async () => ({ section: 'presentation', value: presentation }),
    );
  }

  /**
   * What is on the wall and who presents it, as of the meeting version the
   * access check just read: the owner's snapshot when it is that new (the
   * usual case: a page turn then costs no read of its own), else the table.
   */
  async #shown(meetingId: string, databaseVersion: number): Promise<{ documentId: string | null; presenter: string | null } | undefined> {
    const cached = this.#owners.find(meetingId)?.current(databaseVersion);
    if (cached != null) return { documentId: cached.presentation?.documentId ?? null, presenter: cached.presentation?.presenterUserId ?? null };
    const [row] = await this.#db
      .select({ documentId: meetingLiveState.presentationDocumentId, presenter: meetingLiveState.presenterUserId })
      .from(meetingLiveState)
      .where(eq(meetingLiveState.meetingId, meetingId));
    return row;
  }

  async stop(user: SessionUser, meetingId: string): Promise<number> {
    const access = await this.#deps.meetings.access(user, meetingId);
    if (!(await this.#mayPresent(access, user))) throw new AppError(403, 'forbidden');
    return this.#act(
      meetingId,
      'presentation',
      async (tx) => {
        await tx
          .update(meetingLiveState)
          .set({ presentationDocumentId: null, presentationVersion: null, presentationPage: null, presentationZoom: null, presenterUserId: null, updatedAt: new Date() })
          .where(eq(meetingLiveState.meetingId, meetingId));
      },
      async (tx) => ({ section: 'presentation', value: await presentationSection(tx, meetingId) }),
    );
  }
}

/**
 * The page turn as one UPDATE for MeetingService.changeMeetingAt: it changes
 * the row only if the version was bumped (`from bumped`) and the wall still
 * shows what the owner's state said (same document, version and presenter).
 */
function turnStatement(meetingId: string, shown: Presentation, next: Presentation, bumped: SQL): SQL {
  return sql`
    update ${meetingLiveState}
    set presentation_page = ${next.page}, presentation_zoom = ${next.zoom}, presenter_user_id = ${next.presenterUserId}, updated_at = now()
    from ${bumped}
    where ${meetingLiveState.meetingId} = ${meetingId}
      and ${meetingLiveState.presentationDocumentId} = ${shown.documentId}
      and ${meetingLiveState.presentationVersion} = ${shown.version}
      and ${meetingLiveState.presenterUserId} = ${shown.presenterUserId}
    returning 1`;
}
