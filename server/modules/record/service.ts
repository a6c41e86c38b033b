/**
 * The meeting's record: notes and conclusions per agenda item, tasks given to
 * units, and the minutes / notice drafts as immutable versions. Who may do
 * what, in one place:
 *  - the meeting's secretariat (access.canManage) keeps notes, builds and
 *    edits drafts, and follows up tasks;
 *  - the meeting's chair reads everything, writes conclusions and approves;
 *  - its delegates read an approved document only;
 *  - anybody else is told the meeting does not exist (meetings.access).
 */
import { and, asc, desc, eq, isNotNull } from 'drizzle-orm';
import type { SessionUser } from '../../contract/identity.ts';
import type { DocumentBlock, OfficialDocument } from '../../contract/official-documents.ts';
import type { ItemConclusionUpdate, ItemNoteUpdate, RecordDocumentEnvelope, RecordDocumentKind, RecordItemDto, RecordTaskDto, RecordVersionDto, RecordVersionSave } from '../../contract/record.ts';
import type { Db, Executor } from '../../db/client.ts';
import { recordDocumentVersions, recordItemNotes, recordTasks } from '../../db/schema/record.ts';
import { AppError } from '../../errors.ts';
import type { MeetingAccess } from '../meetings/index.ts';
import type { RecordDeps } from './deps.ts';
import { isoDay, type RecordFacts } from './facts.ts';
import { gatherFacts, type OwnRecord } from './gather.ts';
import { buildMinutes } from './minutes.ts';
import { buildNotice } from './notice.ts';
import { rebuildKeepingNarrative } from './rebuild.ts';

type VersionRow = typeof recordDocumentVersions.$inferSelect;

const isChair = (access: MeetingAccess) => access.myRole === 'chair';
const keepsRecord = (access: MeetingAccess) => access.canManage;
const readsWholeRecord = (access: MeetingAccess) => access.canManage || isChair(access);
const readsApproved = (access: MeetingAccess) => readsWholeRecord(access) || access.myRole === 'delegate';

/** A block's content independent of key order (jsonb and the response serializer each order keys their own way). */
function blockKey(block: DocumentBlock): string {
  switch (block.kind) {
    case 'heading':
    case 'paragraph':
      return JSON.stringify([block.kind, block.source, block.text]);
    case 'list':
      return JSON.stringify([block.kind, block.source, block.items]);
    case 'table':
      return JSON.stringify([block.kind, block.source, block.header, block.rows]);
  }
}

function require(allowed: boolean): void {
  if (!allowed) throw new AppError(403, 'forbidden');
}

export class RecordService {
  readonly #db: Db;
  readonly #deps: RecordDeps;

  constructor(db: Db, deps: RecordDeps) {
    this.#db = db;
    this.#deps = deps;
  }

  async #ownRecord(meetingId: string, executor: Executor = this.#db): Promise<OwnRecord> {
    const notes = await executor.select().from(recordItemNotes).where(eq(recordItemNotes.meetingId, meetingId));
    const tasks = await executor.select().from(recordTasks).where(eq(recordTasks.meetingId, meetingId)).orderBy(asc(recordTasks.createdAt), asc(recordTasks.id));
    return { notes: new Map(notes.map((n) => [n.itemId, { note: n.note, concluded: n.concluded, conclusion: n.conclusion }])), tasks };
  }

  async #tasks(meetingId: string, itemTitles: Map<string, string>, itemId?: string): Promise<RecordTaskDto[]> {
    const rows = await this.#db
      .select()
      .from(recordTasks)
      .where(itemId === undefined ? eq(recordTasks.meetingId, meetingId) : and(eq(recordTasks.meetingId, meetingId), eq(recordTasks.itemId, itemId)))
      .orderBy(asc(recordTasks.dueDate), asc(recordTasks.createdAt));
    const units = await this.#deps.units.byIds(rows.map((r) => r.unitId));
    const today = isoDay(new Date());
    return rows.map((r) => ({
      id: r.id,
      itemId: r.itemId,
      itemTitle: itemTitles.get(r.itemId) ?? '',
      unitId: r.unitId,
      unitName: units.get(r.unitId)?.name ?? '',
      description: r.description,
      dueDate: r.dueDate,
      status: r.status,
      overdue: r.status === 'open' && r.dueDate < today,
    }));
  }

  async #itemTitles(meetingId: string): Promise<Map<string, string>> {
    return new Map((await this.#deps.meetings.agenda(meetingId)).map((i) => [i.id, i.title]));
  }

  async items(user: SessionUser, meetingId: string): Promise<RecordItemDto[]> {
    const access = await this.#deps.meetings.access(user, meetingId);
    require(readsWholeRecord(access));
    const agenda = await this.#deps.meetings.agenda(meetingId);
    const notes = await this.#db.select().from(recordItemNotes).where(eq(recordItemNotes.meetingId, meetingId));
    const tasks = await this.#tasks(meetingId, new Map(agenda.map((i) => [i.id, i.title])));
    const byItem = new Map(notes.map((n) => [n.itemId, n]));
    return agenda.map((item) => {
      const n = byItem.get(item.id);
      return {
        itemId: item.id,
        position: item.position,
        title: item.title,
        note: n?.note ?? '',
        concluded: n?.concluded ?? false,
        conclusion: n?.conclusion ?? '',
        updatedAt: n?.updatedAt.toISOString() ?? null,
        tasks: tasks.filter((t) => t.itemId === item.id),
      };
    });
  }

  async #item(user: SessionUser, meetingId: string, itemId: string): Promise<RecordItemDto> {
    const found = (await this.items(user, meetingId)).find((i) => i.itemId === itemId);
    if (found === undefined) throw new AppError(404, 'agendaItemNotFound');
    return found;
  }

  async #assertItem(meetingId: string, itemId: string): Promise<void> {
    if ((await this.#deps.meetings.agendaItem(meetingId, itemId)) === null) throw new AppError(404, 'agendaItemNotFound');
  }

  /** The secretary's note, saved as typed (the last write wins: one secretary types one item's note). */
  async saveNote(user: SessionUser, meetingId: string, itemId: string, input: ItemNoteUpdate): Promise<RecordItemDto> {
    const access = await this.#deps.meetings.access(user, meetingId);
    require(keepsRecord(access));
    await this.#assertItem(meetingId, itemId);
    await this.#db
      .insert(recordItemNotes)
      .values({ meetingId, itemId, note: input.note, concluded: input.concluded, updatedBy: user.id })
      .onConflictDoUpdate({ target: [recordItemNotes.meetingId, recordItemNotes.itemId], set: { note: input.note, concluded: input.concluded, updatedBy: user.id, updatedAt: new Date() } });
    return this.#item(user, meetingId, itemId);
  }

  /** The chair's conclusion on an item and the tasks it gives (the secretariat may enter it for the chair). */
  async saveConclusion(user: SessionUser, meetingId: string, itemId: string, input: ItemConclusionUpdate): Promise<RecordItemDto> {
    const access = await this.#deps.meetings.access(user, meetingId);
    require(readsWholeRecord(access));
    await this.#assertItem(meetingId, itemId);
    const units = await this.#deps.units.byIds(input.tasks.map((t) => t.unitId));
    if (input.tasks.some((t) => !units.has(t.unitId))) throw new AppError(404, 'unitNotFound');
    await this.#db.transaction(async (tx) => {
      await tx
        .insert(recordItemNotes)
        .values({ meetingId, itemId, conclusion: input.conclusion, concluded: input.conclusion.trim() !== '', updatedBy: user.id })
        .onConflictDoUpdate({ target: [recordItemNotes.meetingId, recordItemNotes.itemId], set: { conclusion: input.conclusion, updatedBy: user.id, updatedAt: new Date() } });
      await tx.delete(recordTasks).where(and(eq(recordTasks.meetingId, meetingId), eq(recordTasks.itemId, itemId)));
      if (input.tasks.length > 0) await tx.insert(recordTasks).values(input.tasks.map((t) => ({ meetingId, itemId, unitId: t.unitId, description: t.description, dueDate: t.dueDate })));
    });
    return this.#item(user, meetingId, itemId);
  }

  async tasks(user: SessionUser, meetingId: string): Promise<RecordTaskDto[]> {
    const access = await this.#deps.meetings.access(user, meetingId);
    require(readsWholeRecord(access));
    return this.#tasks(meetingId, await this.#itemTitles(meetingId));
  }

  async setTaskStatus(user: SessionUser, meetingId: string, taskId: string, status: 'open' | 'done'): Promise<RecordTaskDto> {
    const access = await this.#deps.meetings.access(user, meetingId);
    require(keepsRecord(access));
    const [row] = await this.#db.update(recordTasks).set({ status }).where(and(eq(recordTasks.id, taskId), eq(recordTasks.meetingId, meetingId))).returning();
    if (row === undefined) throw new AppError(404, 'recordTaskNotFound');
    const found = (await this.#tasks(meetingId, await this.#itemTitles(meetingId))).find((t) => t.id === taskId);
    if (found === undefined) throw new AppError(404, 'recordTaskNotFound');
    return found;
  }

  // ---- drafts ----

  async #versions(meetingId: string, kind: RecordDocumentKind): Promise<VersionRow[]> {
    return this.#db
      .select()
      .from(recordDocumentVersions)
      .where(and(eq(recordDocumentVersions.meetingId, meetingId), eq(recordDocumentVersions.kind, kind)))
      .orderBy(asc(recordDocumentVersions.version));
  }

  async #dto(kind: RecordDocumentKind, row: VersionRow): Promise<RecordVersionDto> {
    return { kind, summary: (await this.#summaries([row])).at(0)!, content: row.content };
  }

  async #summaries(rows: VersionRow[]) {
    const names = await this.#deps.users.namesById(rows.flatMap((r) => [r.createdBy, r.approvedBy].filter((id): id is string => id !== null)));
    const name = (id: string | null) => (id === null ? null : (names.get(id)?.fullName ?? null));
    return rows.map((r) => ({
      version: r.version,
      createdAt: r.createdAt.toISOString(),
      createdByName: name(r.createdBy),
      approvedAt: r.approvedAt?.toISOString() ?? null,
      approvedByName: name(r.approvedBy),
    }));
  }

  async document(user: SessionUser, meetingId: string, kind: RecordDocumentKind): Promise<RecordDocumentEnvelope> {
    const access = await this.#deps.meetings.access(user, meetingId);
    require(readsWholeRecord(access));
    const rows = await this.#versions(meetingId, kind);
    const latest = rows.at(-1);
    return {
      kind,
      versions: await this.#summaries(rows),
      latest: latest === undefined ? null : await this.#dto(kind, latest),
      canEdit: keepsRecord(access),
      canApprove: isChair(access),
    };
  }

  async version(user: SessionUser, meetingId: string, kind: RecordDocumentKind, version: number): Promise<RecordVersionDto> {
    const access = await this.#deps.meetings.access(user, meetingId);
    require(readsWholeRecord(access));
    const row = (await this.#versions(meetingId, kind)).find((r) => r.version === version);
    if (row === undefined) throw new AppError(404, 'recordVersionNotFound');
    return this.#dto(kind, row);
  }

  /** The active units a task may be given to (those who conclude items: the secretariat and the chair). */
  async taskUnits(user: SessionUser, meetingId: string): Promise<{ id: string; name: string }[]> {
    const access = await this.#deps.meetings.access(user, meetingId);
    require(readsWholeRecord(access));
    return (await this.#deps.units.list()).filter((unit) => unit.active).map(({ id, name }) => ({ id, name }));
  }

  /** The facts the attendance report is drawn from (the meeting's secretariat and chair, like the whole record). */
  async attendanceFacts(user: SessionUser, meetingId: string): Promise<RecordFacts> {
    const access = await this.#deps.meetings.access(user, meetingId);
    require(readsWholeRecord(access));
    return gatherFacts(this.#deps, user, access, await this.#ownRecord(meetingId));
  }

  /** A draft assembled from the record now; not stored (the preview while the meeting runs). */
  async preview(user: SessionUser, meetingId: string, kind: RecordDocumentKind): Promise<OfficialDocument> {
    const access = await this.#deps.meetings.access(user, meetingId);
    require(readsWholeRecord(access));
    const facts = await gatherFacts(this.#deps, user, access, await this.#ownRecord(meetingId));
    return kind === 'minutes' ? buildMinutes(facts) : buildNotice(facts);
  }

  /** "Lập biên bản": a new version built from the record, keeping the narrative of the latest one. */
  async build(user: SessionUser, meetingId: string, kind: RecordDocumentKind): Promise<RecordVersionDto> {
    const access = await this.#deps.meetings.access(user, meetingId);
    require(keepsRecord(access));
    const facts = await gatherFacts(this.#deps, user, access, await this.#ownRecord(meetingId));
    const fresh = kind === 'minutes' ? buildMinutes(facts) : buildNotice(facts);
    const latest = (await this.#versions(meetingId, kind)).at(-1);
    const content = latest === undefined ? fresh : rebuildKeepingNarrative(latest.content, fresh);
    return this.#insertVersion(user, meetingId, kind, (latest?.version ?? 0) + 1, content);
  }

  /** The secretary's edit: a new version on top of the one she edited; a stale base is refused, never merged silently. */
  async save(user: SessionUser, meetingId: string, kind: RecordDocumentKind, input: RecordVersionSave): Promise<RecordVersionDto> {
    const access = await this.#deps.meetings.access(user, meetingId);
    require(keepsRecord(access));
    const latest = (await this.#versions(meetingId, kind)).at(-1);
    if (latest === undefined) throw new AppError(404, 'recordVersionNotFound');
    if (latest.version !== input.baseVersion) throw new AppError(409, 'recordVersionStale');
    // The facts stay as the record says: an edit may move narrative around them, not rewrite them.
    const facts = new Set(latest.content.blocks.filter((b) => b.source !== undefined).map(blockKey));
    if (input.content.blocks.some((b) => b.source !== undefined && !facts.has(blockKey(b)))) throw new AppError(422, 'recordFactEdited');
    return this.#insertVersion(user, meetingId, kind, latest.version + 1, input.content);
  }

  async #insertVersion(user: SessionUser, meetingId: string, kind: RecordDocumentKind, version: number, content: OfficialDocument): Promise<RecordVersionDto> {
    try {
      const [row] = await this.#db.insert(recordDocumentVersions).values({ meetingId, kind, version, content, createdBy: user.id }).returning();
      return this.#dto(kind, row!);
    } catch (error) {
      // two saves on the same base: the unique version refuses the second
      if (typeof error === 'object' && error !== null && 'code' in error && error.code === '23505') throw new AppError(409, 'recordVersionStale');
      throw error;
    }
  }

  /** The chair approves the latest version; it is frozen (versions never change), and a later edit needs a new approval. */
  async approve(user: SessionUser, meetingId: string, kind: RecordDocumentKind, version: number): Promise<RecordVersionDto> {
    const access = await this.#deps.meetings.access(user, meetingId);
    require(isChair(access));
    const latest = (await this.#versions(meetingId, kind)).at(-1);
    if (latest === undefined || latest.version < version) throw new AppError(404, 'recordVersionNotFound');
    if (latest.version !== version) throw new AppError(409, 'recordVersionStale');
    if (latest.approvedAt !== null) return this.#dto(kind, latest);
    const [row] = await this.#db.update(recordDocumentVersions).set({ approvedBy: user.id, approvedAt: new Date() }).where(eq(recordDocumentVersions.id, latest.id)).returning();
    return this.#dto(kind, row!);
  }

  /** The approved document a participant may read, and what rendering, signing and delivery take at merge. */
  async approved(user: SessionUser, meetingId: string, kind: RecordDocumentKind): Promise<RecordVersionDto> {
    const access = await this.#deps.meetings.access(user, meetingId);
    require(readsApproved(access));
    const found = await this.approvedDocument(meetingId, kind);
    if (found === null) throw new AppError(404, 'recordNotApproved');
    return found;
  }

  /** For other modules (render, sign, deliver): the newest approved version, with no caller check (the caller has checked). */
  async approvedDocument(meetingId: string, kind: RecordDocumentKind): Promise<RecordVersionDto | null> {
    const [row] = await this.#db
      .select()
      .from(recordDocumentVersions)
      .where(and(eq(recordDocumentVersions.meetingId, meetingId), eq(recordDocumentVersions.kind, kind), isNotNull(recordDocumentVersions.approvedAt)))
      .orderBy(desc(recordDocumentVersions.version))
      .limit(1);
    return row === undefined ? null : this.#dto(kind, row);
  }
}
