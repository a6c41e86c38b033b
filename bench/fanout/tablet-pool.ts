/**
 * The tablet processes (bench/fanout/tablets.ts, several so that the client
 * side is not what limits 1,600 sockets on two cores): start them, learn
 * their clock offsets, and grow a server's tablets spread over all of them.
 */
import { forkChild, type Channel } from './children.ts';
import { onCleanup } from './cleanup.ts';
import { CONNECT_CONCURRENCY } from './options.ts';
import { clock, type FromTablets, type JoinSpec, type Target, type ToTablets } from './protocol.ts';

export type TabletChannel = Channel<FromTablets, ToTablets>;

/** What a pool needs to know of a server to connect tablets to it. */
export type TabletTarget = { target: Target; url: string; join: JoinSpec; cookies: string[]; connected: number };

export function startTabletProcesses(count: number): TabletChannel[] {
  const procs: TabletChannel[] = [];
  for (let p = 0; p < count; p++) {
    const tablets = forkChild<FromTablets, ToTablets>('tablets.ts', `tablets#${p + 1}`);
    onCleanup(() => tablets.kill());
    procs.push(tablets);
  }
  return procs;
}

/** Clock offset of a tablet process against ours (its clock minus ours), from the IPC round trip with the least delay. */
export async function calibrate(tablets: TabletChannel): Promise<{ offset: number; rtt: number }> {
  let best = { offset: 0, rtt: Number.POSITIVE_INFINITY };
  for (let i = 0; i < 50; i++) {
    const sent = clock();
    const pong = tablets.next((m): m is Extract<FromTablets, { type: 'pong' }> => m.type === 'pong' && m.sent === sent, 5_000, 'pong');
    tablets.send({ type: 'ping', sent });
    const { at } = await pong;
    const back = clock();
    if (back - sent < best.rtt) best = { offset: at - (sent + back) / 2, rtt: back - sent };
  }
  return best;
}

/** Brings the target's tablets up to n sockets, spread evenly over the processes; returns how long that took. */
export async function growTo(procs: TabletChannel[], subject: TabletTarget, n: number): Promise<number> {
  const add = n - subject.connected;
  if (add <= 0) return 0;
  const started = clock();
  await Promise.all(
    procs.map(async (tablets, p) => {
      const count = Math.floor(add / procs.length) + (p < add % procs.length ? 1 : 0);
      if (count === 0) return;
      const done = tablets.next((m): m is Extract<FromTablets, { type: 'connected' }> => m.type === 'connected' && m.target === subject.target, 180_000, `${subject.target} connections`);
      tablets.send({ type: 'connect', target: subject.target, url: subject.url, count, startIndex: subject.connected + p, cookies: subject.cookies, join: subject.join, concurrency: CONNECT_CONCURRENCY });
      const result = await done;
      if (result.failures > 0) throw new Error(`${subject.target}: ${result.failures} of ${count} tablets could not connect and join: ${result.firstError}`);
    }),
  );
  subject.connected = n;
  return clock() - started;
}
