/**
 * Many members at once for the voting tests: users inserted directly (one
 * password hash shared, since hashing is not what is under test), made
 * participants of a meeting and checked in, then logged in for real.
 */
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../../server/modules/auth/passwords.ts';
import type { Database } from '../../server/db/client.ts';
import { TestClient } from './server.ts';

/** `server`: an in-process test server, or anything with the database's connection (a drill's own, beside a server process). */
export async function addCheckedInDelegates(server: { database: Pick<Database, 'sql'> }, meetingId: string, unitId: string, count: number, markedBy: string): Promise<{ id: string; username: string }[]> {
  const hash = await hashPassword('DaiBieu@2026');
  const people = Array.from({ length: count }, (_, i) => ({ id: randomUUID(), username: `daibieu${String(i + 1).padStart(3, '0')}` }));
  const sql = server.database.sql;
  await sql`insert into users ${sql(people.map((p, i) => ({ id: p.id, username: p.username, full_name: `Đại biểu số ${i + 1}`, full_name_search: `dai bieu so ${i + 1}`, unit_id: unitId, role: 'user', password_hash: hash })))}`;
  await sql`insert into meeting_participants ${sql(people.map((p) => ({ meeting_id: meetingId, user_id: p.id, role: 'delegate' })))}`;
  await sql`insert into attendance ${sql(people.map((p) => ({ meeting_id: meetingId, user_id: p.id, status: 'present', marked_by: markedBy })))}`;
  return people;
}

export async function logInAll(server: { url: string }, usernames: string[], parallel = 8): Promise<TestClient[]> {
  const clients: TestClient[] = new Array(usernames.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < usernames.length) {
        const index = next++;
        const client = new TestClient(server.url);
        const response = await client.login(usernames[index]!, 'DaiBieu@2026');
        if (response.status !== 200) throw new Error(`login ${usernames[index]}: ${response.status}`);
        clients[index] = client;
      }
    }),
  );
  return clients;
}
