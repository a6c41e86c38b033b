/**
 * bench:votes — the vote storm, at 500 and at 1,600 delegates (a provincial
 * congress and a national Party Congress), one after the other on one app and
 * one database. At each size the delegates, all present, vote on one open
 * motion at the same moment; every ballot is a Socket.io `vote:cast` from a
 * separate voters process (bench/votes/voters.ts) to the real app on the real
 * PostgreSQL. A hall's tablets are separate devices; the voters' sockets are
 * shared out over BENCH_VOTER_PROCESSES processes (default 2), so one
 * process's own sending time is less of the span measured. Measured:
 * acknowledgement latency (p50/p99), throughput
 * (ballots acknowledged per second, from the first send to the last ack), the
 * time from the chair's close to a published result, and an exact count
 * check (the tally must equal the voters). Baseline, same run, same database: as many plain
 * single-row inserts issued with the same timing from a pool of the app's
 * size (10), i.e. what the database alone costs for one row per voter.
 * Floor, same run: the same voters casting at the same moments to a bare
 * Socket.io server that acknowledges each ballot at once (no checks, no
 * database, bench/fanout/bare-server.ts), i.e. what the acknowledgements
 * alone cost on this machine, tablets included; no server can answer sooner.
 *
 * A throwaway database is created on the server of DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres) and dropped at the end.
 *
 * Knobs (environment): BENCH_VOTERS (sizes, comma-separated; default 500,1600), BENCH_SPREAD_MS (voters
 * cast at random moments within this window; default 0: all at once, which is
 * "within one second" at its harshest), BENCH_SECRET (default 1: a secret
 * ballot, sealed while open; 0: public), BENCH_VOTER_PROCESSES (default 2),
 * BENCH_TIMEOUT_S (whole run, default 1500: 2,100 logins on a shared 2-core
 * machine are slow), BENCH_PROFILE (diagnosis, skews the figures: "1" prints
 * where the app's CPU time goes during each storm; a directory also gets the
 * .cpuprofile files).
 */
import { randomInt, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import type { PollDto } from '../server/contract/votes.ts';
import { hashPassword } from '../server/modules/auth/passwords.ts';
import { forkChild, killChild, type Channel } from './fanout/children.ts';
import { openInspector, type Inspector } from './fanout/inspector.ts';
import { profiled } from './fanout/profiling.ts';
import { api, login } from './lib/client.ts';
import { cores, countCpu, pidsNamed } from './lib/cpu-time.ts';
import { freePort, startServerProcess, type ServerProcess } from './lib/server-process.ts';
import { percentile, round } from './lib/stats.ts';
import type { FromBareServer, ToBareServer } from './fanout/protocol.ts';
import type { CastOutcome, FromVoters, ToVoters } from './votes/protocol.ts';

const SIZES = (process.env.BENCH_VOTERS ?? '500,1600').split(',').map(Number);
const SPREAD_MS = Number(process.env.BENCH_SPREAD_MS ?? 0);
const SECRET = process.env.BENCH_SECRET !== '0';
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_S ?? 1500);
/** Voters processes; each holds an equal share of the sockets. */
const VOTER_PROCESSES = Math.max(1, Number(process.env.BENCH_VOTER_PROCESSES ?? 2));
const PROFILE = process.env.BENCH_PROFILE || undefined;
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const APP_POOL = 10; // server/db/client.ts: postgres(url, { max: 10 })
const PASSWORD = 'HoaBinh@2026';
const VOTER_PASSWORD = 'DaiBieu@2026';
const CHOICES = ['yes', 'no', 'abstain'] as const;
/** The database's processes are counted only when it runs on this machine (its CPU is then shared with the app and voters). */
const DATABASE_IS_LOCAL = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(ADMIN_URL).hostname);
const databasePids = (): Promise<number[]> => (DATABASE_IS_LOCAL ? pidsNamed('postgres') : Promise.resolve([]));

type VotersChannel = Channel<FromVoters, ToVoters>;

// — everything that must be undone, whatever happens —
const dbName = `phs_bench_votes_${process.pid}_${Date.now()}`;
let admin: postgres.Sql | undefined;
let benchSql: postgres.Sql | undefined;
let created = false;
let server: ServerProcess | undefined;
let inspector: Inspector | undefined;
let voters: VotersChannel[] = [];
let bare: Channel<FromBareServer, ToBareServer> | undefined;
let cleaning: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    inspector?.close();
    await Promise.allSettled([...voters.map((v) => v.kill()), bare?.kill(), server === undefined ? undefined : killChild(server.child, 10_000)]);
    await benchSql?.end({ timeout: 5 }).catch(() => undefined);
    if (created) await admin?.unsafe(`drop database if exists "${dbName}" with (force)`).catch((error: unknown) => console.error(`! could not drop ${dbName}:`, error));
    await admin?.end({ timeout: 5 }).catch(() => undefined);
  })();
  return cleaning;
}

const globalTimer = setTimeout(() => {
  console.error(`✗ votes: global timeout (${TIMEOUT_S} s); stopping`);
  void cleanup().finally(() => process.exit(2));
}, TIMEOUT_S * 1000);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanup().finally(() => process.exit(130)));

const ms = (value: number) => `${round(value, 1)} ms`;

function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The delegates straight into the database (one password hash for all: hashing is not what is measured), made participants and checked in. */
async function addDelegates(sql: postgres.Sql, meetingId: string, unitId: string, markedBy: string, VOTERS: number): Promise<string[]> {
  const hash = await hashPassword(VOTER_PASSWORD);
  const people = Array.from({ length: VOTERS }, (_, i) => ({ id: randomUUID(), username: `bench${VOTERS}.daibieu${String(i + 1).padStart(4, '0')}`, n: i + 1 }));
  const rows = people.map((p) => ({ id: p.id, username: p.username, full_name: `Đại biểu số ${p.n}`, full_name_search: `dai bieu so ${p.n}`, unit_id: unitId, role: 'user', password_hash: hash }));
  await sql`insert into users ${sql(rows)}`;
  await sql`insert into meeting_participants ${sql(people.map((p) => ({ meeting_id: meetingId, user_id: p.id, role: 'delegate' })))}`;
  await sql`insert into attendance ${sql(people.map((p) => ({ meeting_id: meetingId, user_id: p.id, status: 'present', marked_by: markedBy })))}`;
  return people.map((p) => p.username);
}

async function logInAll(url: string, usernames: string[], parallel = 8): Promise<string[]> {
  const cookies: string[] = new Array(usernames.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < usernames.length) {
        const i = next++;
        cookies[i] = await login(url, usernames[i]!, VOTER_PASSWORD);
      }
    }),
  );
  return cookies;
}

/** The baseline: one plain row per voter, with the voters' timing, through a pool as large as the app's. */
async function baselineInserts(sql: postgres.Sql, offsets: number[]): Promise<{ latencies: number[]; spanMs: number }> {
  await sql`drop table if exists bench_baseline`;
  await sql`create table bench_baseline (id uuid primary key default gen_random_uuid(), poll_id uuid not null, choice jsonb not null)`;
  const pollId = randomUUID();
  await sql`select 1`; // open a connection before the clock starts, as the app's pool is warm
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  const latencies = await Promise.all(
    offsets.map(
      (offset, i) =>
        new Promise<number>((resolve, reject) => {
          setTimeout(() => {
            const sent = performance.now();
            first = Math.min(first, sent);
            sql`insert into bench_baseline (poll_id, choice) values (${pollId}, ${sql.json(CHOICES[i % 3]!)})`.then(() => {
              const at = performance.now();
              last = Math.max(last, at);
              resolve(at - sent);
            }, reject);
          }, offset);
        }),
    ),
  );
  const [count] = await sql<{ n: number }[]>`select count(*)::int as n from bench_baseline`;
  if (count?.n !== offsets.length) throw new Error(`baseline: ${count?.n} rows, expected ${offsets.length}`);
  return { latencies, spanMs: last - first };
}

/**
 * What the processes of one side spent in CPU over its span, and the least
 * wall time that much work needs on this machine's cores: with the app, the
 * database and the voters on one 2-core machine, no schedule acknowledges the
 * last ballot sooner. (The span counted runs from just before the first send
 * to the voters' report of their last ack, a little longer than the storm.)
 */
function describeCpu(spent: Record<string, number>): string {
  const total = Object.values(spent).reduce((sum, v) => sum + v, 0);
  const parts = Object.entries(spent).map(([name, v]) => `${name} ${ms(v)}`);
  if (!DATABASE_IS_LOCAL) parts.push('database not on this machine, not counted');
  return `${parts.join(', ')}; together ${ms(total)} on ${cores()} cores, at least ${ms(total / cores())} of wall time`;
}

async function main(): Promise<string[]> {
  admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${dbName}"`);
  created = true;
  const url = databaseUrl(dbName);
  const [settings] = await admin<{ version: string; fsync: string; synchronous_commit: string }[]>`select version() as version, current_setting('fsync') as fsync, current_setting('synchronous_commit') as synchronous_commit`;
  console.log(`• database: ${settings?.version.split(' on ')[0]} at ${new URL(ADMIN_URL).host} (real PostgreSQL, not the embedded one); fsync=${settings?.fsync}, synchronous_commit=${settings?.synchronous_commit}`);
  console.log(`• throwaway database ${dbName}; starting the app…`);
  // Both storms' 2,100 delegates log in from this one address within a minute: more than a real hall's NAT sends
  // (2,000 a minute is the default cap for calls without a session); the bench is not measuring that cap.
  const inspectPort = PROFILE === undefined ? undefined : await freePort();
  if (inspectPort !== undefined) console.log('! BENCH_PROFILE is set: the app runs under its profiler during the storms, so its figures are not comparable');
  server = await startServerProcess({
    DATABASE_URL: url,
    DEMO_DATA: 'true',
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000',
    ...(inspectPort === undefined ? {} : { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:${inspectPort}`.trim() }),
  });
  if (inspectPort !== undefined) inspector = await openInspector(inspectPort);
  benchSql = postgres(url, { max: APP_POOL, onnotice: () => {} });
  voters = Array.from({ length: VOTER_PROCESSES }, (_, i) => forkChild<FromVoters, ToVoters>('../votes/voters.ts', `voters ${i + 1}`));
  bare = forkChild<FromBareServer, ToBareServer>('bare-server.ts', 'bare Socket.io');
  const { port } = await bare.next((m): m is Extract<FromBareServer, { type: 'listening' }> => m.type === 'listening', 30_000, 'listening');
  const floor: Floor = { url: `http://127.0.0.1:${port}`, pid: bare.child.pid! };
  const lines: string[] = [];
  for (const size of SIZES) lines.push(await storm(server, benchSql, voters, floor, size));
  return lines;
}

/** Voter i is in process i % n: each process gets every n-th voter, with that voter's choice and moment. */
const shareOut = <T>(items: T[], which: number, processes: number) => items.filter((_, i) => i % processes === which);

/** Connects one socket per cookie to `url` (a voters process closes the sockets of its last storm first); the slowest process's time. */
async function connectVoters(voters: VotersChannel[], url: string, cookies: string[]): Promise<{ count: number; ms: number }> {
  voters.forEach((channel, p) => channel.send({ type: 'connect', url, voters: shareOut(cookies, p, voters.length).map((cookie) => ({ cookie })), concurrency: 25 }));
  const connected = await Promise.all(voters.map((channel) => channel.next((m): m is Extract<FromVoters, { type: 'connected' }> => m.type === 'connected', 120_000, 'connected')));
  return { count: connected.reduce((n, c) => n + c.count, 0), ms: Math.max(...connected.map((c) => c.ms)) };
}

type Cast = { outcomes: CastOutcome[]; firstSendAt: number; lastSendAt: number; lastAckAt: number };

/** Every connected voter casts `choices[i]` after `offsets[i]` ms; their outcomes and moments, across the processes. */
async function castAll(voters: VotersChannel[], meetingId: string, pollId: string, choices: string[], offsets: number[]): Promise<Cast> {
  voters.forEach((channel, p) => channel.send({ type: 'cast', meetingId, pollId, choices: shareOut(choices, p, voters.length), offsets: shareOut(offsets, p, voters.length) }));
  const dones = await Promise.all(voters.map((channel) => channel.next((m): m is Extract<FromVoters, { type: 'cast-done' }> => m.type === 'cast-done', 120_000, 'cast-done')));
  return {
    outcomes: dones.flatMap((d) => d.outcomes),
    firstSendAt: Math.min(...dones.map((d) => d.firstSendAt)),
    lastSendAt: Math.max(...dones.map((d) => d.lastSendAt)),
    lastAckAt: Math.max(...dones.map((d) => d.lastAckAt)),
  };
}

/** The bare Socket.io server of the floor. */
type Floor = { url: string; pid: number };

async function storm(server: ServerProcess, benchSql: postgres.Sql, voters: VotersChannel[], floor: Floor, VOTERS: number): Promise<string> {
  const app = server.url;
  console.log('');
  console.log(`• vote storm: ${VOTERS} voters, ${SECRET ? 'secret' : 'public'} motion, ${SPREAD_MS === 0 ? 'all at once' : `spread over ${SPREAD_MS} ms`}`);
  const secretary = await login(app, 'thuky', PASSWORD);
  const units = await api<{ units: { id: string; name: string }[] }>(app, secretary, 'GET', '/api/v1/units');
  // From the database: after the first storm the demo accounts are no longer within one page of the user list.
  const users = await benchSql<{ id: string; username: string }[]>`select id, username from users where username in ('bithu', 'thuky')`;
  const userId = (username: string) => users.find((u) => u.username === username)?.id ?? '';
  const unitId = units.units.find((u) => u.name === 'Văn phòng Tỉnh ủy')!.id;
  const { meeting } = await api<{ meeting: { id: string } }>(app, secretary, 'POST', '/api/v1/meetings', {
    kind: 'bch',
    title: 'Hội nghị Ban Chấp hành (đo tải biểu quyết)',
    organizerUnitId: unitId,
    startsAt: new Date(Date.now() + 86_400_000).toISOString(),
    membershipTotal: VOTERS,
  });
  await api(app, secretary, 'POST', `/api/v1/meetings/${meeting.id}/participants`, { userId: userId('bithu'), role: 'chair' });
  const usernames = await addDelegates(benchSql, meeting.id, unitId, userId('thuky'), VOTERS);
  await api(app, secretary, 'POST', `/api/v1/meetings/${meeting.id}/status`, { to: 'published' });
  const chair = await login(app, 'bithu', PASSWORD);
  await api(app, chair, 'POST', `/api/v1/meetings/${meeting.id}/status`, { to: 'in_session' });
  const { poll } = await api<{ poll: PollDto }>(app, chair, 'POST', `/api/v1/meetings/${meeting.id}/polls`, { kind: 'motion', title: 'Thông qua Nghị quyết hội nghị', secret: SECRET });
  const opened = await api<{ poll: PollDto }>(app, chair, 'POST', `/api/v1/meetings/${meeting.id}/polls/${poll.id}/open`, {});
  if (opened.poll.turnout.eligible !== VOTERS) throw new Error(`eligible ${opened.poll.turnout.eligible}, expected ${VOTERS}`);

  const loginStart = performance.now();
  const cookies = await logInAll(app, usernames);
  console.log(`• ${VOTERS} delegates logged in (${ms(performance.now() - loginStart)}); connecting their sockets from the voters process…`);
  const connected = await connectVoters(voters, app, cookies);
  console.log(`• ${connected.count} sockets connected in ${ms(connected.ms)} from ${voters.length} voters process(es)`);

  const offsets = Array.from({ length: VOTERS }, () => (SPREAD_MS > 0 ? randomInt(SPREAD_MS) : 0));
  const choices = Array.from({ length: VOTERS }, (_, i) => CHOICES[i % 3]!);
  const stormCpu = await countCpu({ app: async () => [server.child.pid!], database: databasePids, voters: async () => voters.map((v) => v.child.pid!) });
  const done = await profiled(inspector, PROFILE, `${VOTERS}-voter storm`, false, () => castAll(voters, meeting.id, poll.id, choices, offsets));
  const stormCpuMs = await stormCpu.stop();
  const ok = done.outcomes.filter((o) => o.ok);
  const failures = new Map<string, number>();
  for (const o of done.outcomes.filter((x: CastOutcome) => !x.ok)) failures.set(o.code ?? '?', (failures.get(o.code ?? '?') ?? 0) + 1);
  const latencies = ok.map((o) => o.latencyMs);
  const spanMs = done.lastAckAt - done.firstSendAt;
  const throughput = ok.length / (spanMs / 1000);

  const closeStart = performance.now();
  await api(app, chair, 'POST', `/api/v1/meetings/${meeting.id}/polls/${poll.id}/close`);
  const closeMs = performance.now() - closeStart;
  const published = await api<{ poll: PollDto }>(app, chair, 'POST', `/api/v1/meetings/${meeting.id}/polls/${poll.id}/publish`);
  const closeToPublishedMs = performance.now() - closeStart;
  const result = published.poll.result!;
  const counted = result.options.reduce((sum, o) => sum + o.votes, 0);
  const [stored] = await benchSql<{ n: number }[]>`select count(*)::int as n from poll_voters where poll_id = ${poll.id}`;
  const expected = CHOICES.map((c) => choices.filter((x) => x === c).length);
  const exact = ok.length === VOTERS && counted === VOTERS && result.ballotsValid === VOTERS && stored?.n === VOTERS && result.options.every((o, i) => o.votes === expected[i]);

  const baselineCpu = await countCpu({ bench: async () => [process.pid], database: databasePids });
  const baseline = await baselineInserts(benchSql, offsets);
  const baselineCpuMs = await baselineCpu.stop();
  const baselineThroughput = VOTERS / (baseline.spanMs / 1000);

  // The floor: the same voters (new sockets) and moments, to a server that only acknowledges.
  await connectVoters(voters, floor.url, cookies.map(() => 'floor=1'));
  const floorCpu = await countCpu({ 'bare Socket.io': async () => [floor.pid], voters: async () => voters.map((v) => v.child.pid!) });
  const bareCast = await castAll(voters, meeting.id, poll.id, choices, offsets);
  const floorCpuMs = await floorCpu.stop();
  const floorLatencies = bareCast.outcomes.filter((o) => o.ok).map((o) => o.latencyMs);
  if (floorLatencies.length !== VOTERS) throw new Error(`floor: ${floorLatencies.length} of ${VOTERS} acknowledged`);

  console.log('');
  console.log(`ballots (vote:cast over Socket.io, ${SECRET ? 'secret' : 'public'} motion, ${VOTERS} voters):`);
  console.log(`  acknowledged ok     ${ok.length}/${VOTERS}${failures.size === 0 ? '' : ` (refused: ${[...failures].map(([c, n]) => `${c}×${n}`).join(', ')})`}`);
  console.log(`  ack latency         p50 ${ms(percentile(latencies, 50))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(Math.max(...latencies))}`);
  console.log(`  first send→last ack ${ms(spanMs)}  → throughput ${round(throughput, 1)} ballots/s`);
  console.log(`  voters' own sending ${ms(done.lastSendAt - done.firstSendAt)} from first to last send (${voters.length} voters process(es), sharing the cores)`);
  console.log(`  CPU, storm's span   ${describeCpu(stormCpuMs)}`);
  console.log(`  close               ${ms(closeMs)}; close→published result ${ms(closeToPublishedMs)}`);
  console.log(`  tally               ${result.options.map((o) => `${o.label} ${o.votes}`).join(', ')}; valid ${result.ballotsValid}; rows ${stored?.n} → ${exact ? `exactly ${VOTERS} ✓` : 'MISMATCH ✗'}`);
  console.log(`baseline (plain single-row inserts, same database, same timing, pool of ${APP_POOL}):`);
  console.log(`  insert latency      p50 ${ms(percentile(baseline.latencies, 50))}, p99 ${ms(percentile(baseline.latencies, 99))}`);
  console.log(`  first→last          ${ms(baseline.spanMs)}  → throughput ${round(baselineThroughput, 1)} inserts/s`);
  console.log(`  CPU, inserts' span  ${describeCpu(baselineCpuMs)}`);
  console.log(`floor (bare Socket.io, same voters and moments, each ballot acknowledged at once: no checks, no database):`);
  console.log(`  ack latency         p50 ${ms(percentile(floorLatencies, 50))}, p99 ${ms(percentile(floorLatencies, 99))}, max ${ms(Math.max(...floorLatencies))}`);
  console.log(`  first send→last ack ${ms(bareCast.lastAckAt - bareCast.firstSendAt)}  → ${round(VOTERS / ((bareCast.lastAckAt - bareCast.firstSendAt) / 1000), 1)} ballots/s`);
  console.log(`  CPU, floor's span   ${describeCpu(floorCpuMs)}`);
  if (!exact) throw new Error('the tally does not equal the ballots cast');
  console.log(`  target              p99 ≤ 100 ms: ${percentile(latencies, 99) <= 100 ? 'met' : 'NOT met'}; throughput ≥ 1.0× baseline: ${throughput >= baselineThroughput ? 'met' : 'NOT met'}`);
  return `RESULT votes-${VOTERS}: throughput=${round(throughput, 1)} ballots/s; baseline=${round(baselineThroughput, 1)} inserts/s; ratio=${round(throughput / baselineThroughput, 3)}`;
}

main().then(
  async (lines) => {
    clearTimeout(globalTimer);
    await cleanup();
    for (const line of lines) console.log(line);
    process.exit(0);
  },
  async (error: unknown) => {
    clearTimeout(globalTimer);
    console.error('✗ votes:', error);
    await cleanup();
    process.exit(1);
  },
);
