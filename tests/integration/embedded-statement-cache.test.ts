/**
 * The embedded database prepares each statement the app sends unnamed once
 * and reuses it (server/db/pglite-statements.ts). What a user of the app would
 * notice if it went wrong: a wrong answer, an error where there was none, or
 * the embedded database growing without end. Each test runs real PGlite
 * through the app's own postgres.js settings.
 */
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { STATEMENT_LIMIT } from '../../server/db/pglite-statements.ts';
import { withEmbeddedDatabase } from '../helpers/embedded-database.ts';

/** A throwaway in-memory database, two connections (the app's pool and a watcher that counts statements). */
function withDatabase(run: (app: postgres.Sql, cached: (text: string) => Promise<number>) => Promise<void>): Promise<void> {
  return withEmbeddedDatabase(async (open) => {
    const app = open();
    const watcher = open();
    // The watcher's own query is prepared by postgres.js itself (a named statement), so it is not counted below.
    const cached = async (text: string) =>
      (await watcher`select count(*)::int as n from pg_prepared_statements where name like 'phs_wire_%' and statement = ${text}`)[0]!.n as number;
    await run(app, cached);
  });
}

/** How drizzle sends a query: unnamed (postgres.js then asks for the parameter types first). */
const unnamed = (sql: postgres.Sql, text: string, params: unknown[] = []) => sql.unsafe(text, params as never[]);

describe('the embedded database’s statement cache', () => {
  it('prepares a repeated statement once and answers each run with its own parameters', () =>
    withDatabase(async (app, cached) => {
      const text = 'select $1::int * 2 as doubled, $2::text as said';
      for (let i = 0; i < 40; i++) expect(await unnamed(app, text, [i, `lượt ${i}`])).toEqual([{ doubled: i * 2, said: `lượt ${i}` }]);
      expect(await cached(text)).toBe(1);
      // Pipelined, as the app's pool sends them when busy.
      const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => unnamed(app, text, [i, 'x'])));
      expect(answers.map((rows) => rows[0]!.doubled)).toEqual(Array.from({ length: 30 }, (_, i) => i * 2));
      expect(await cached(text)).toBe(1);
    }));

  it('shares the statements between connections and keeps a transaction’s answers its own', () =>
    withDatabase(async (app, cached) => {
      await app`create table seats (n int primary key, name text not null)`;
      const insert = 'insert into seats (n, name) values ($1, $2) returning n';
      await app.begin(async (tx) => {
        for (let n = 1; n <= 5; n++) await tx.unsafe(insert, [n, `Đại biểu ${n}`]);
      });
      await expect(
        app.begin(async (tx) => {
          await tx.unsafe(insert, [6, 'Đại biểu 6']);
          await tx.unsafe(insert, [1, 'trùng']); // unique violation: the transaction is rolled back
        }),
      ).rejects.toMatchObject({ code: '23505' });
      // The failing batch's statement was forgotten and dropped; the next run prepares it again, once.
      await app.begin(async (tx) => tx.unsafe(insert, [7, 'Đại biểu 7']));
      expect((await unnamed(app, 'select n from seats order by n')).map((r) => r.n)).toEqual([1, 2, 3, 4, 5, 7]);
      expect(await cached(insert)).toBe(1);
    }));

  it('answers as before when a statement fails, and the next run of it works', () =>
    withDatabase(async (app, cached) => {
      const text = 'select 10 / $1::int as share';
      expect(await unnamed(app, text, [5])).toEqual([{ share: 2 }]);
      await expect(unnamed(app, text, [0])).rejects.toMatchObject({ code: '22012' });
      expect(await unnamed(app, text, [2])).toEqual([{ share: 5 }]);
      expect(await cached(text)).toBe(1);
    }));

  it('sees a table whose columns changed under a cached statement', () =>
    withDatabase(async (app) => {
      await app`create table notes (id int, body int)`;
      await app`insert into notes values (1, 42)`;
      const text = 'select body from notes where id = $1';
      expect(await unnamed(app, text, [1])).toEqual([{ body: 42 }]);
      // A cached plan of the old column type would fail with "cached plan must not change result type".
      await unnamed(app, 'alter table notes alter column body type text');
      expect(await unnamed(app, text, [1])).toEqual([{ body: '42' }]);
    }));

  it('reads a cursor of a cached statement page by page', () =>
    withDatabase(async (app) => {
      const text = 'select g from generate_series(1, $1::int) g';
      await unnamed(app, text, [3]);
      const pages: number[][] = [];
      await app.begin(async (tx) => {
        await tx.unsafe(text, [25]).cursor(10, (rows) => {
          pages.push(rows.map((r) => r.g as number));
        });
      });
      expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
      expect(pages.flat()).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    }));

  it(`keeps at most ${STATEMENT_LIMIT} statements, however many different ones the app sends`, () =>
    withDatabase(async (app) => {
      for (let i = 0; i < STATEMENT_LIMIT + 60; i++) expect(await unnamed(app, `select $1::int + ${i} as v`, [1])).toEqual([{ v: i + 1 }]);
      const [{ n }] = (await app`select count(*)::int as n from pg_prepared_statements where name like 'phs_wire_%'`) as unknown as [{ n: number }];
      expect(n).toBeLessThanOrEqual(STATEMENT_LIMIT);
      expect(n).toBeGreaterThan(STATEMENT_LIMIT / 2); // still a cache
      // The oldest went first: the newest is still answered from its statement.
      expect(await unnamed(app, `select $1::int + ${STATEMENT_LIMIT + 59} as v`, [2])).toEqual([{ v: STATEMENT_LIMIT + 61 }]);
    }));
});
