/**
 * Follow the presenter: show a page of a document version, turn pages, stop.
 * A page turn is the hot path of a meeting: one UPDATE … RETURNING gives the
 * new presentation, and the page count of a version (its file never changes)
 * is asked of the documents module once and then remembered by the owner.
 */
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { SessionUser } from '../../contract/identity.ts';
import type { Presentation, PresentationPage, PresentationShow } from '../../contract/live.ts';
import type { Db, Executor } from '../../db/client.ts';
import { meetingLiveState } from '../../db/schema/live.ts';
import { AppError } from '../../errors.ts';
import type { MeetingAccess } from '../meetings/index.ts';
import type { LiveMeetings } from './live-meeting.ts';
import { presentationSection } from './sections.ts';
import { requireStatus, runsMeeting, type Act, type LiveDeps } from './rules.ts';

export class LivePresentation {
  readonly #db: Db;
  readonly #deps: LiveDeps;
  readonly #owners: LiveMeetings;
  readonly #act: Act;

  constructor(db: Db, deps: LiveDeps, owners: LiveMeetings, act: Act) {
    this.#db = db;
    this.#deps = deps;
    this.#owners = owners;
    this.#act = act;
  }

  /** The chair and secretariat present; so does the presenter of the item under way. */
  async #mayPresent(access: MeetingAccess, user: SessionUser): Promise<boolean> {
    if (runsMeeting(access)) return true;
    const meetingId = access.meeting.id;
    // The current item (ours) and its presenter (the meetings module's) at once: one round trip, as the join was.
    const [[state], agenda] = await Promise.all([
      this.#db.select({ itemId: meetingLiveState.currentItemId }).from(meetingLiveState).where(eq(meetingLiveState.meetingId, meetingId)),
      this.#deps.meetings.agenda(meetingId),
    ]);
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

  async turnPage(user: SessionUser, input: PresentationPage): Promise<number> {
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
