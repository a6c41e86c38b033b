/**
 * The unit tree. A top-level unit is a province. Below a unit of one level sit
 * units of the same level (its offices and departments, e.g. "Văn phòng Tỉnh
 * ủy" under the province) or of the next level down (districts under the
 * province, communes under a district).
 */
import { asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { UnitCreate, UnitDto, UnitLevel, UnitUpdate } from '../../contract/identity.ts';
import { foldVietnamese } from '../../contract/text.ts';
import type { Db, Executor } from '../../db/client.ts';
import { violatedUniqueIndex } from '../../db/errors.ts';
import { units } from '../../db/schema/identity.ts';
import { AppError } from '../../errors.ts';

const RANK: Record<UnitLevel, number> = { province: 0, district: 1, commune: 2 };

export function allowedUnder(child: UnitLevel, parent: UnitLevel | null): boolean {
  if (parent === null) return child === 'province';
  // Same level (an office under the unit it serves) or any level below: a
  // commune sits under a district (three-level tree) or, since 1 July 2025,
  // directly under its province (two-level tree). Never upwards.
  return RANK[child] >= RANK[parent];
}

/**
 * SQL: the ids of the units a person of unit `unitId` works for. An office sits
 * under the unit it serves at the same level (Văn phòng Tỉnh ủy under the
 * province), so the home unit is found by climbing over parents of the same
 * level; then the home unit and every unit below it (districts, communes and
 * their offices). A commune's people never reach the district or province.
 * A subquery, so the caller's check and the tree are read in one statement.
 */
export function unitsServedFrom(unitId: string): SQL {
  return sql`with recursive home(id, parent_id, level) as (
      select u.id, u.parent_id, u.level from ${units} u where u.id = ${unitId}
      union all
      select p.id, p.parent_id, p.level from ${units} p join home h on p.id = h.parent_id and p.level = h.level
    ), reach(id) as (
      select id from home
      union
      select c.id from ${units} c join reach r on c.parent_id = r.id
    )
    select id from reach`;
}

function toDto(row: typeof units.$inferSelect): UnitDto {
  return { id: row.id, parentId: row.parentId, level: row.level, name: row.name, code: row.code, active: row.active };
}

function rethrowConflict(error: unknown): never {
  const index = violatedUniqueIndex(error);
  if (index === 'units_code_idx') throw new AppError(409, 'unitCodeTaken', { field: 'code' });
  if (index !== undefined) throw new AppError(409, 'unitNameTaken', { field: 'name' });
  throw error;
}

export class UnitService {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async list(): Promise<UnitDto[]> {
    const rows = await this.#db.select().from(units).orderBy(asc(units.level), asc(units.name));
    return rows.map(toDto);
  }

  /** These units by id (unknown ids are left out), for other modules' labels and placement. */
  async byIds(ids: readonly string[], executor: Executor = this.#db): Promise<Map<string, UnitDto>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await executor.select().from(units).where(inArray(units.id, unique));
    return new Map(rows.map((row) => [row.id, toDto(row)]));
  }

  async get(id: string): Promise<UnitDto> {
    const [row] = await this.#db.select().from(units).where(eq(units.id, id)).limit(1);
    if (row === undefined) throw new AppError(404, 'unitNotFound');
    return toDto(row);
  }

  async create(input: UnitCreate): Promise<UnitDto> {
    let parentLevel: UnitLevel | null = null;
    if (input.parentId !== null) {
      const [parent] = await this.#db.select().from(units).where(eq(units.id, input.parentId)).limit(1);
      if (parent === undefined) throw new AppError(400, 'parentUnitNotFound', { field: 'parentId' });
      parentLevel = parent.level;
    }
    if (!allowedUnder(input.level, parentLevel)) {
      throw new AppError(400, parentLevel === null ? 'unitNeedsParent' : 'unitLevelMismatch', { field: parentLevel === null ? 'parentId' : 'level' });
    }
    const name = input.name.trim();
    try {
      const [row] = await this.#db
        .insert(units)
        .values({ name, nameSearch: foldVietnamese(name), level: input.level, parentId: input.parentId, code: input.code ?? null })
        .returning();
      return toDto(row!);
    } catch (error) {
      rethrowConflict(error);
    }
  }

  async update(id: string, input: UnitUpdate): Promise<UnitDto> {
    const changes: Partial<typeof units.$inferInsert> = { updatedAt: new Date() };
    if (input.name !== undefined) {
      changes.name = input.name.trim();
      changes.nameSearch = foldVietnamese(changes.name);
    }
    if (input.code !== undefined) changes.code = input.code;
    if (input.active !== undefined) changes.active = input.active;
    try {
      const [row] = await this.#db.update(units).set(changes).where(eq(units.id, id)).returning();
      if (row === undefined) throw new AppError(404, 'unitNotFound');
      return toDto(row);
    } catch (error) {
      if (error instanceof AppError) throw error;
      rethrowConflict(error);
    }
  }
}
