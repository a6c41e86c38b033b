/**
 * The embedded database trusts whoever connects, so nobody but this process
 * may: it listens on no port and no socket file, and the app reaches it over
 * the PostgreSQL wire protocol in memory (server/db/pglite-wire.ts). Two
 * connections share one PGlite session, so a transaction keeps it to itself.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { startEmbeddedDatabase } from '../../server/db/embedded.ts';
import { connectEmbedded, withEmbeddedDatabase } from '../helpers/embedded-database.ts';

/** Inodes of this process's sockets that accept connections (TCP LISTEN, Unix __SO_ACCEPTCON). */
function listeningSockets(): Set<string> {
  const mine = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    const target = (() => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    })();
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) mine.add(inode);
  }
  const listening = new Set<string>();
  for (const table of ['tcp', 'tcp6']) {
    for (const line of readFileSync(`/proc/net/${table}`, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A' && mine.has(cols[9]!)) listening.add(`${table}:${cols[9]}`);
    }
  }
  for (const line of readFileSync('/proc/net/unix', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols[3] === '00010000' && mine.has(cols[6]!)) listening.add(`unix:${cols[6]}`);
  }
  return listening;
}

/** A throwaway in-memory database with one connection, both closed after `run`. */
const withDatabase = (run: (sql: postgres.Sql) => Promise<void>) => withEmbeddedDatabase((open) => run(open()));

describe('the embedded database is reachable from this process only', () => {
  it('opens no port and no socket file, and answers queries in-process', async () => {
    const before = listeningSockets();
    const database = await startEmbeddedDatabase(undefined);
    try {
      const sql = connectEmbedded(database);
      try {
        expect(await sql`select 1 + 1 as two`).toEqual([{ two: 2 }]);
        expect([...listeningSockets()].filter((s) => !before.has(s))).toEqual([]);
      } finally {
        await sql.end({ timeout: 5 });
      }
    } finally {
      await database.stop();
    }
  });

  it('carries big statements, pipelined queries and errors like a server would', () =>
    withDatabase(async (sql) => {
      await sql`create table notes (id int primary key, body text not null)`;
      // 3 MB of Vietnamese text: one Bind message arrives in many pieces.
      const body = 'Nghị quyết về phát triển kinh tế – xã hội năm 2027. '.repeat(60_000);
      await sql`insert into notes values (1, ${body})`;
      expect((await sql`select body from notes where id = 1`)[0]!.body).toBe(body);

      // 200 queries written back to back, answered in order.
      const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => sql`select ${i}::int as i`));
      expect(answers.map((rows) => rows[0]!.i)).toEqual(Array.from({ length: 200 }, (_, i) => i));

      await expect(sql`insert into notes values (1, 'again')`).rejects.toMatchObject({ code: '23505' });
      await expect(sql`select * from no_such_table`).rejects.toMatchObject({ code: '42P01' });
      expect(await sql`select count(*)::int as n from notes`).toEqual([{ n: 1 }]);
    }));

  it('lets one connection’s transaction finish before another’s statements run, and rolls back what a lost connection left open', async () => {
    const database = await startEmbeddedDatabase(undefined);
    const first = connectEmbedded(database);
    const second = connectEmbedded(database);
    try {
      await first`create table seats (n int not null)`;
      await second`select 1`; // connected, so its next question is a single exchange
      let secondSaw: number | undefined;
      await first.begin(async (tx) => {
        await tx`insert into seats values (1)`;
        // The second connection asks now; it must not land inside this transaction, nor see its row yet.
        const asked = second`select count(*)::int as n from seats`.then((rows) => (secondSaw = rows[0]!.n));
        await new Promise((resolve) => setImmediate(resolve));
        await tx`insert into seats values (2)`;
        await tx`select pg_sleep(0.05)`;
        expect(secondSaw).toBeUndefined();
        void asked;
      });
      await expect.poll(() => secondSaw).toBe(2);

      // A connection that goes away inside a transaction: its work is rolled back and the session is free again.
      const third = connectEmbedded(database);
      const reserved = await third.reserve();
      await reserved`begin`;
      await reserved`insert into seats values (3)`;
      reserved.release();
      await third.end({ timeout: 0 });
      expect(await second`select count(*)::int as n from seats`).toEqual([{ n: 2 }]);
    } finally {
      await Promise.all([first.end({ timeout: 5 }), second.end({ timeout: 5 })]);
      await database.stop();
    }
  });

  it('keeps concurrent transactions apart when their statements carry large values', () =>
    withDatabase(async (sql) => {
      await sql`create table issued (n int primary key, pdf bytea not null)`;
      const pdf = Buffer.alloc(300_000, 7); // a signed PDF, well over a stream's 16 KB buffer
      const outcomes = await Promise.allSettled(
        Array.from({ length: 6 }, (_, n) =>
          sql.begin(async (tx) => {
            await tx`insert into issued values (${n}, ${pdf})`;
            if (n === 2) throw new Error('this one is abandoned');
          }),
        ),
      );
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
      // The abandoned one is rolled back alone: had a second transaction begun inside it, one of them would take the other along.
      expect((await sql`select n from issued order by n`).map((r) => r.n)).toEqual([0, 1, 3, 4, 5]);
    }));

  it('keeps a connection’s prepared statements while it lives and drops them when it goes', async () => {
    const database = await startEmbeddedDatabase(undefined);
    const watcher = connectEmbedded(database);
    try {
      const prepared = async () => (await watcher`select count(*)::int as n from pg_prepared_statements`)[0]!.n as number;
      const turns = async () => (await watcher`select count(*)::int as n from pg_prepared_statements where statement = 'select $1::int + 1 as next'`)[0]!.n as number;
      await turns(); // the watcher's own two questions are prepared statements too: before counting
      const before = await prepared();
      const turner = connectEmbedded(database);
      // The page turn's way (server/db/prepared.ts): the same text, prepared once, run again and again.
      for (let page = 1; page <= 3; page++) {
        expect(await turner.unsafe('select $1::int + 1 as next', [page], { prepare: true })).toEqual([{ next: page + 1 }]);
      }
      // A statement that fails to parse is named too, but never created: dropping it must not stop the others.
      await expect(turner.unsafe('select from nowhere at all', [], { prepare: true })).rejects.toThrow();
      expect(await turns()).toBe(1); // prepared once, not once per turn
      // postgres.js replaces a connection every 30–60 minutes; the session it shared stays. The connection's own
      // statements (its turn, and the array types postgres.js reads when it connects) go with it.
      await turner.end({ timeout: 5 });
      await expect.poll(prepared).toBe(before);
      expect(await turns()).toBe(0);
    } finally {
      await watcher.end({ timeout: 5 });
      await database.stop();
    }
  });

  it('refuses new connections once stopped, with a clear error', async () => {
    const database = await startEmbeddedDatabase(undefined);
    await database.stop();
    const sql = connectEmbedded(database);
    await expect(sql`select 1`).rejects.toThrow(/embedded database has stopped/);
    await sql.end({ timeout: 1 });
  });
});
