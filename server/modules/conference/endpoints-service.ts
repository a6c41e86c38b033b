/**
 * Conference endpoints (điểm cầu) and their place in meetings. Admins keep
 * the list of halls and the accounts that join as each; the secretariat picks
 * which endpoints take part in a meeting.
 */
import { and, asc, eq, ilike, inArray, type SQL } from 'drizzle-orm';
import type { EndpointCreate, EndpointDto, EndpointListQuery, EndpointUpdate } from '../../contract/conference.ts';
import type { SessionUser } from '../../contract/identity.ts';
import { foldVietnamese } from '../../contract/text.ts';
import type { Db } from '../../db/client.ts';
import { violatedUniqueIndex } from '../../db/errors.ts';
import { containsFolded } from '../../db/search.ts';
import { endpointAccounts, endpoints, meetingEndpoints } from '../../db/schema/conference.ts';
import { AppError } from '../../errors.ts';
import type { ConferenceDeps } from './deps.ts';

type EndpointRow = typeof endpoints.$inferSelect;

type EndpointDeps = Pick<ConferenceDeps, 'users' | 'units'> & { meetings: Pick<ConferenceDeps['meetings'], 'access' | 'changeMeeting'> };

export class EndpointService {
  readonly #db: Db;
  readonly #deps: EndpointDeps;

  /** `mediaNodes`: the names of the media nodes this app knows (its own included) */
  readonly #mediaNodes: ReadonlySet<string>;

  constructor(db: Db, deps: EndpointDeps, mediaNodes: Iterable<string> = ['local']) {
    this.#db = db;
    this.#deps = deps;
    this.#mediaNodes = new Set(mediaNodes);
  }

  /** The secretariat changes which endpoints take part, as it changes the meeting (not once it is closed). */
  async #assertCanEdit(user: SessionUser, meetingId: string): Promise<void> {
    const access = await this.#deps.meetings.access(user, meetingId);
    if (!access.canManage) throw new AppError(403, 'forbidden');
    if (access.meeting.status === 'closed') throw new AppError(409, 'meetingClosed');
  }

  async #dto(rows: EndpointRow[]): Promise<EndpointDto[]> {
    const ids = rows.map((r) => r.id);
    const accounts = ids.length === 0 ? [] : await this.#db.select().from(endpointAccounts).where(inArray(endpointAccounts.endpointId, ids));
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      level: r.level,
      unitId: r.unitId,
      active: r.active,
      mediaNode: r.mediaNode,
      accountUserIds: accounts.filter((a) => a.endpointId === r.id).map((a) => a.userId),
    }));
  }

  async list(query: EndpointListQuery): Promise<EndpointDto[]> {
    const filters: SQL[] = [];
    if (query.q !== undefined && query.q.trim() !== '') filters.push(ilike(endpoints.nameSearch, containsFolded(query.q)));
    if (query.level !== undefined) filters.push(eq(endpoints.level, query.level));
    if (query.active !== undefined) filters.push(eq(endpoints.active, query.active));
    const rows = await this.#db.select().from(endpoints).where(filters.length === 0 ? undefined : and(...filters)).orderBy(asc(endpoints.level), asc(endpoints.nameSearch));
    return this.#dto(rows);
  }

  /** A media node named for an endpoint must be one this app knows (else its media would silently go elsewhere). */
  #assertNode(mediaNode: string | null | undefined): void {
    if (mediaNode !== undefined && mediaNode !== null && !this.#mediaNodes.has(mediaNode)) throw new AppError(400, 'mediaNodeNotFound', { field: 'mediaNode' });
  }

  async #assertRefs(unitId: string | undefined, accountUserIds: string[] | undefined): Promise<void> {
    if (unitId !== undefined && !(await this.#deps.units.byIds([unitId])).has(unitId)) throw new AppError(400, 'unitNotFound', { field: 'unitId' });
    if (accountUserIds !== undefined && accountUserIds.length > 0) {
      const found = await this.#deps.users.namesById(accountUserIds);
      if (!accountUserIds.every((id) => found.has(id))) throw new AppError(400, 'userNotFound', { field: 'accountUserIds' });
    }
  }

  async create(input: EndpointCreate): Promise<EndpointDto> {
    this.#assertNode(input.mediaNode);
    await this.#assertRefs(input.unitId, input.accountUserIds);
    const name = input.name.trim();
    const row = await this.#db.transaction(async (tx) => {
      const [created] = await tx.insert(endpoints).values({ name, nameSearch: foldVietnamese(name), level: input.level, unitId: input.unitId, mediaNode: input.mediaNode ?? null }).returning();
      if (input.accountUserIds !== undefined && input.accountUserIds.length > 0) {
        await tx.insert(endpointAccounts).values(input.accountUserIds.map((userId) => ({ endpointId: created!.id, userId })));
      }
      return created!;
    });
    return (await this.#dto([row]))[0]!;
  }

  async update(endpointId: string, input: EndpointUpdate): Promise<EndpointDto> {
    this.#assertNode(input.mediaNode);
    await this.#assertRefs(input.unitId, input.accountUserIds);
    const changes: Partial<typeof endpoints.$inferInsert> = { updatedAt: new Date() };
    if (input.name !== undefined) {
      changes.name = input.name.trim();
      changes.nameSearch = foldVietnamese(changes.name);
    }
    if (input.level !== undefined) changes.level = input.level;
    if (input.unitId !== undefined) changes.unitId = input.unitId;
    if (input.active !== undefined) changes.active = input.active;
    if (input.mediaNode !== undefined) changes.mediaNode = input.mediaNode;
    const row = await this.#db.transaction(async (tx) => {
      const [updated] = await tx.update(endpoints).set(changes).where(eq(endpoints.id, endpointId)).returning();
      if (updated === undefined) throw new AppError(404, 'endpointNotFound');
      if (input.accountUserIds !== undefined) {
        await tx.delete(endpointAccounts).where(eq(endpointAccounts.endpointId, endpointId));
        if (input.accountUserIds.length > 0) await tx.insert(endpointAccounts).values(input.accountUserIds.map((userId) => ({ endpointId, userId })));
      }
      return updated;
    });
    return (await this.#dto([row]))[0]!;
  }

  async listForMeeting(user: SessionUser, meetingId: string): Promise<EndpointDto[]> {
    await this.#deps.meetings.access(user, meetingId);
    return this.ofMeeting(meetingId);
  }

  /** The meeting's endpoints, without a user check: for a hall display its pairing has authorised. */
  async ofMeeting(meetingId: string): Promise<EndpointDto[]> {
    const rows = await this.#db
      .select({ endpoint: endpoints })
      .from(meetingEndpoints)
      .innerJoin(endpoints, eq(endpoints.id, meetingEndpoints.endpointId))
      .where(eq(meetingEndpoints.meetingId, meetingId))
      .orderBy(asc(endpoints.level), asc(endpoints.nameSearch));
    return this.#dto(rows.map((r) => r.endpoint));
  }

  async addToMeeting(user: SessionUser, meetingId: string, endpointId: string): Promise<EndpointDto[]> {
    await this.#assertCanEdit(user, meetingId);
    const [endpoint] = await this.#db.select().from(endpoints).where(eq(endpoints.id, endpointId));
    if (endpoint === undefined || !endpoint.active) throw new AppError(400, 'endpointNotFound', { field: 'endpointId' });
    try {
      await this.#deps.meetings.changeMeeting(meetingId, 'endpoints', (tx) => tx.insert(meetingEndpoints).values({ meetingId, endpointId }));
    } catch (error) {
      if (violatedUniqueIndex(error) !== undefined) throw new AppError(409, 'endpointAlreadyInMeeting', { field: 'endpointId' });
      throw error;
    }
    return this.listForMeeting(user, meetingId);
  }

  async removeFromMeeting(user: SessionUser, meetingId: string, endpointId: string): Promise<void> {
    await this.#assertCanEdit(user, meetingId);
    const removed = await this.#deps.meetings.changeMeeting(meetingId, 'endpoints', (tx) =>
      tx.delete(meetingEndpoints).where(and(eq(meetingEndpoints.meetingId, meetingId), eq(meetingEndpoints.endpointId, endpointId))).returning(),
    );
    if (removed.length === 0) throw new AppError(404, 'endpointNotFound');
  }
}
