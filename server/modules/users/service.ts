/**
 * People who log in. Deactivating a user or resetting their password ends all
 * of their sessions at once (REST and open sockets).
 */
import { and, asc, eq, ilike, inArray, type SQL } from 'drizzle-orm';
import type { UserCreate, UserDto, UserListQuery, UserPage, UserUpdate } from '../../contract/identity.ts';
import { foldVietnamese } from '../../contract/text.ts';
import type { Db, Executor } from '../../db/client.ts';
import { violatedUniqueIndex } from '../../db/errors.ts';
import { containsFolded } from '../../db/search.ts';
import { units, users } from '../../db/schema/identity.ts';
import { AppError } from '../../errors.ts';
import type { DomainEvents } from '../../events.ts';
import type { Credentials } from '../auth/index.ts';

function toDto(row: typeof users.$inferSelect): UserDto {
  return {
    id: row.id,
    username: row.username,
    fullName: row.fullName,
    title: row.title,
    email: row.email,
    phone: row.phone,
    unitId: row.unitId,
    role: row.role,
    active: row.active,
    locale: row.locale,
  };
}

/** What other modules may know of a user by id. */
export type UserName = { id: string; fullName: string; title: string | null; unitId: string; active: boolean };

/**
 * People in the order the users table sorts them (by the folded name, which
 * the database compares byte by byte): for other modules that sort names they
 * got from namesById as a join on users would have.
 */
export function byName(a: string, b: string): number {
  const x = foldVietnamese(a);
  const y = foldVietnamese(b);
  return x === y ? 0 : x < y ? -1 : 1;
}

export class UserService {
  readonly #db: Db;
  readonly #auth: Credentials;

  readonly #events: DomainEvents | undefined;

  /** `events`: where a change of role, unit or name is announced (the open sockets follow it); none when seeding. */
  constructor(db: Db, auth: Credentials, events?: DomainEvents) {
    this.#db = db;
    this.#auth = auth;
    this.#events = events;
  }

  async list(query: UserListQuery): Promise<UserPage> {
    const filters: SQL[] = [];
    if (query.q !== undefined && query.q.trim() !== '') {
      filters.push(ilike(users.fullNameSearch, containsFolded(query.q)));
    }
    if (query.unitId !== undefined) filters.push(eq(users.unitId, query.unitId));
    if (query.active !== undefined) filters.push(eq(users.active, query.active));
    const where = filters.length === 0 ? undefined : and(...filters);
    const rows = await this.#db
      .select()
      .from(users)
      .where(where)
      .orderBy(asc(users.fullNameSearch))
      .limit(query.limit ?? 100)
      .offset(query.offset ?? 0);
    const total = await this.#db.$count(users, where);
    return { users: rows.map(toDto), total };
  }

  /**
   * Names (and unit and title) of these users, for other modules' lists:
   * speakers, pollers, pairers, endpoint accounts. Unknown ids are left out.
   */
  async namesById(ids: readonly string[], executor: Executor = this.#db): Promise<Map<string, UserName>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await executor
      .select({ id: users.id, fullName: users.fullName, title: users.title, unitId: users.unitId, active: users.active })
      .from(users)
      .where(inArray(users.id, unique));
    return new Map(rows.map((row) => [row.id, row]));
  }

  async get(id: string): Promise<UserDto> {
    const [row] = await this.#db.select().from(users).where(eq(users.id, id)).limit(1);
    if (row === undefined) throw new AppError(404, 'userNotFound');
    return toDto(row);
  }

  async #assertActiveUnit(unitId: string): Promise<void> {
    const [unit] = await this.#db.select({ active: units.active }).from(units).where(eq(units.id, unitId)).limit(1);
    if (unit === undefined) throw new AppError(400, 'unitNotFound', { field: 'unitId' });
    if (!unit.active) throw new AppError(400, 'unitInactive', { field: 'unitId' });
  }

  async create(input: UserCreate): Promise<UserDto> {
    await this.#assertActiveUnit(input.unitId);
    const fullName = input.fullName.trim();
    try {
      const [row] = await this.#db
        .insert(users)
        .values({
          username: this.#auth.normalizeUsername(input.username),
          fullName,
          fullNameSearch: foldVietnamese(fullName),
          title: input.title ?? null,
          email: input.email ?? null,
          phone: input.phone ?? null,
          unitId: input.unitId,
          role: input.role,
          passwordHash: await this.#auth.hashPassword(input.password),
          locale: input.locale ?? 'vi',
        })
        .returning();
      return toDto(row!);
    } catch (error) {
      if (violatedUniqueIndex(error) !== undefined) throw new AppError(409, 'usernameTaken', { field: 'username' });
      throw error;
    }
  }

  async update(id: string, input: UserUpdate, actorId: string): Promise<UserDto> {
    if (id === actorId && input.active === false) throw new AppError(400, 'cannotDeactivateSelf', { field: 'active' });
    if (id === actorId && input.role !== undefined && input.role !== 'admin') throw new AppError(400, 'cannotDemoteSelf', { field: 'role' });
    if (input.unitId !== undefined) await this.#assertActiveUnit(input.unitId);

    const changes: Partial<typeof users.$inferInsert> = { updatedAt: new Date() };
    if (input.fullName !== undefined) {
      changes.fullName = input.fullName.trim();
      changes.fullNameSearch = foldVietnamese(changes.fullName);
    }
    if (input.title !== undefined) changes.title = input.title;
    if (input.email !== undefined) changes.email = input.email;
    if (input.phone !== undefined) changes.phone = input.phone;
    if (input.unitId !== undefined) changes.unitId = input.unitId;
    if (input.role !== undefined) changes.role = input.role;
    if (input.active !== undefined) changes.active = input.active;
    if (input.locale !== undefined) changes.locale = input.locale;

    const [row] = await this.#db.update(users).set(changes).where(eq(users.id, id)).returning();
    if (row === undefined) throw new AppError(404, 'userNotFound');
    if (input.active === false) await this.#auth.revokeAll(id, 'deactivated');
    else this.#events?.emit('user.changed', { userId: id });
    return toDto(row);
  }

  async resetPassword(id: string, password: string): Promise<void> {
    const [row] = await this.#db
      .update(users)
      .set({ passwordHash: await this.#auth.hashPassword(password), updatedAt: new Date() })
      .where(eq(users.id, id))
      .returning({ id: users.id });
    if (row === undefined) throw new AppError(404, 'userNotFound');
    await this.#auth.revokeAll(id, 'password-reset');
  }
}
