/**
 * bench:fanout — the chair turns a page; how long until every tablet in the
 * hall has it? N = 100, 300 and 500 tablet sockets (Socket.io clients in a
 * separate process, bench/fanout/tablets.ts) follow a meeting in session on
 * the real app; a presenter socket in this process (the chair) sends
 * `presentation:page`, and the tablets report when each received the matching
 * `live:update`. In the same run and with the same tablets process, a bare
 * Socket.io server (bench/fanout/bare-server.ts: no auth, no database) does
 * the same broadcast of a message of the same size. Also: server memory per
 * connected tablet (RSS with N tablets minus RSS with none, over N).
 *
 * Knobs (environment): BENCH_SIZES (default "100,300,500"), BENCH_CHANGES
 * (timed page changes per N, default 100), BENCH_WARMUP (default 5),
 * BENCH_SPACING_MS (minimum time between two changes, default 50; the app
 * allows 30 calls/s per socket), BENCH_TABLET_PROCS (tablet processes,
 * default 1), BENCH_TIMEOUT_S (whole run, default 300), BENCH_GC (default 1:
 * force a full GC in each server before reading its memory — the app through
 * an inspector session on 127.0.0.1, the bare server with --expose-gc; 0: raw
 * RSS), BENCH_PROFILE (diagnosis, skews the figures: "1" prints where the
 * app's CPU time goes while the first tablets connect and during the page
 * changes at the largest N, and which of its code allocated the memory the
 * tablets keep; a directory also gets the .cpuprofile/.heapprofile files),
 * DATABASE_URL (passed to the app; otherwise its embedded database).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { LiveSnapshot, LiveUpdateMessage } from '../server/contract/live.ts';
import { PAGE_BREAK, renderTextPdf } from '../server/modules/documents/text-pdf.ts';
import { cpuMs, forkChild, killChild, type Channel } from './fanout/children.ts';
import { openInspector, summariseCpu, summariseHeap, type Inspector } from './fanout/inspector.ts';
import { clock, type BarePage, type FromBareServer, type FromTablets, type JoinSpec, type Target, type ToBareServer, type ToTablets } from './fanout/protocol.ts';
import { api, login, uploadFile } from './lib/client.ts';
import { freePort, processMemory, startServerProcess, type ServerProcess } from './lib/server-process.ts';
import { percentile, resultLine, round } from './lib/stats.ts';

const SIZES = (process.env.BENCH_SIZES ?? '100,300,500').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0).sort((a, b) => a - b);
const CHANGES = Number(process.env.BENCH_CHANGES ?? 100);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);
const SPACING_MS = Number(process.env.BENCH_SPACING_MS ?? 50);
const TABLET_PROCS = Math.max(1, Number(process.env.BENCH_TABLET_PROCS ?? 1));
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_S ?? 300);
const GC = process.env.BENCH_GC !== '0';
const PROFILE = process.env.BENCH_PROFILE;
const PAGES = 40;
const CONNECT_CONCURRENCY = 25;
const CHANGE_TIMEOUT_MS = 10_000;
const SETTLE_MS = 1_500;
const PASSWORD = 'HoaBinh@2026';
const DELEGATES = ['phobithu', 'chutich', 'giamdoc.noivu', 'caophong.bithu', 'maichau.bithu', 'paco.chutich'];

type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };
type TabletChannel = Channel<FromTablets, ToTablets>;
type Change = { all: number; median: number; first: number; ack: number };
type Phase = {
  target: Target;
  n: number;
  changes: Change[];
  /** tablets connected in this phase (the others stayed from the previous N), how long that took */
  added: number;
  connectMs: number;
  /** server CPU spent per tablet that connected and joined in this phase */
  joinCpuMs: number;
  rssKbPerTablet: number;
  heapKbPerTablet: number;
  cpuMsPerChange: number;
  missing: number;
};
/** One server under test: how to reach it, how its tablets join, how its presenter turns a page. */
type Subject = {
  target: Target;
  url: string;
  pid: number;
  join: JoinSpec;
  cookies: string[];
  present(page: number): Promise<void>;
  /** RSS and V8 heap in use, after a full GC when BENCH_GC is on. */
  memory(): Promise<{ rss: number; heap: number }>;
  memory0: { rss: number; heap: number };
  connected: number;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// — everything that must be undone, whatever happens —
let server: ServerProcess | undefined;
let bare: Channel<FromBareServer, ToBareServer> | undefined;
let inspector: Inspector | undefined;
const tabletProcs: TabletChannel[] = [];
const presenters: Socket[] = [];
let work: string | undefined;
let cleaning: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const socket of presenters) socket.close();
    inspector?.close();
    await Promise.allSettled([...tabletProcs.map((t) => t.kill()), bare?.kill(), server === undefined ? undefined : killChild(server.child, 10_000)]);
    await Promise.allSettled([work === undefined ? undefined : rm(work, { recursive: true, force: true }), server === undefined ? undefined : rm(server.dataDir, { recursive: true, force: true })]);
  })();
  return cleaning;
}

const globalTimer = setTimeout(() => {
  console.error(`✗ fanout: global timeout (${TIMEOUT_S} s); stopping`);
  void cleanup().finally(() => process.exit(2));
}, TIMEOUT_S * 1000);
// A promise nobody waits for any more (the run is already failing) must not crash us before the children are gone.
process.on('unhandledRejection', (error) => {
  if (cleaning !== undefined) return;
  console.error('✗ fanout: unhandled rejection:', error);
  void cleanup().finally(() => process.exit(1));
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cleanup().finally(() => process.exit(130));
  });
}

function connectSocket(url: string, cookie?: string): Promise<Socket> {
  const extraHeaders: Record<string, string> = { origin: url };
  if (cookie !== undefined) extraHeaders.cookie = cookie;
  const socket = io(url, { path: '/socket.io', transports: ['websocket'], extraHeaders, reconnection: false, forceNew: true });
  presenters.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function call<T>(socket: Socket, event: string, payload: unknown): Promise<T> {
  const ack = (await socket.timeout(5_000).emitWithAck(event, payload)) as Ack<T>;
  if (!ack.ok) throw new Error(`${event}: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}

/** Clock offset of a tablet process against ours (its clock minus ours), from the IPC round trip with the least delay. */
async function calibrate(tablets: TabletChannel): Promise<{ offset: number; rtt: number }> {
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

/** Brings the subject's tablets up to n sockets, spread over the tablet processes; returns how long that took. */
async function growTo(subject: Subject, n: number): Promise<number> {
  const add = n - subject.connected;
  if (add <= 0) return 0;
  const started = clock();
  await Promise.all(
    tabletProcs.map(async (tablets, p) => {
      const count = Math.floor(add / TABLET_PROCS) + (p < add % TABLET_PROCS ? 1 : 0);
      if (count === 0) return;
      const done = tablets.next((m): m is Extract<FromTablets, { type: 'connected' }> => m.type === 'connected' && m.target === subject.target, 120_000, `${subject.target} connections`);
      tablets.send({ type: 'connect', target: subject.target, url: subject.url, count, startIndex: subject.connected + p, cookies: subject.cookies, join: subject.join, concurrency: CONNECT_CONCURRENCY });
      const result = await done;
      if (result.failures > 0) throw new Error(`${subject.target}: ${result.failures} of ${count} tablets could not connect and join: ${result.firstError}`);
    }),
  );
  subject.connected = n;
  return clock() - started;
}

/** Runs `run` under the app's CPU profiler (and allocation sampler) when BENCH_PROFILE is set, and prints where the time (and memory) went. */
async function profiled<T>(label: string, heap: boolean, run: () => Promise<T>): Promise<T> {
  if (PROFILE === undefined || inspector === undefined) return run();
  await inspector.startProfiling(heap);
  const result = await run();
  const profile = await inspector.stopProfiling();
  const cpu = summariseCpu(profile.cpu);
  const pct = (ms: number) => `${((ms / cpu.total) * 100).toFixed(1)}%`;
  console.log(`  ┌ profile of the app, ${label}: ${Math.round(cpu.total)} ms of CPU (not idle)`);
  console.log(`  │ by area:     ${cpu.areas.map(([area, ms]) => `${area} ${pct(ms)}`).join(', ')}`);
  for (const [name, ms] of cpu.functions) console.log(`  │ ${pct(ms).padStart(6)}  ${name}`);
  if (profile.heap !== null) {
    const memory = summariseHeap(profile.heap);
    console.log(`  │ live allocations (sampled) still held afterwards: ${round(memory.total / 1024 / 1024, 1)} MB, by the app code that made them:`);
    for (const [site, bytes] of memory.sites) console.log(`  │ ${String(Math.round(bytes / 1024)).padStart(7)} KB  ${site}`);
  }
  console.log('  └');
  if (PROFILE !== '1') {
    await mkdir(PROFILE, { recursive: true });
    const base = path.join(PROFILE, `app-${label.replaceAll(/[^a-z0-9]+/gi, '-')}`);
    await writeFile(`${base}.cpuprofile`, JSON.stringify(profile.cpu));
    if (profile.heap !== null) await writeFile(`${base}.heapprofile`, JSON.stringify(profile.heap));
  }
  return result;
}

let lastEmit = 0;

/** One page change on one server: arm the tablets, emit, wait for the ack and for every tablet (or the timeout). */
async function pageChange(subject: Subject, offsets: number[], page: number): Promise<Change & { missing: number }> {
  const wait = lastEmit + SPACING_MS - clock();
  if (wait > 0) await sleep(wait);
  const pending = await Promise.all(
    tabletProcs.map(async (tablets) => {
      const armed = tablets.next((m): m is Extract<FromTablets, { type: 'armed' }> => m.type === 'armed' && m.target === subject.target && m.page === page, 5_000, 'armed');
      const done = tablets.next((m): m is Extract<FromTablets, { type: 'done' }> => m.type === 'done' && m.target === subject.target && m.page === page, CHANGE_TIMEOUT_MS + 5_000, 'done');
      done.catch(() => {}); // awaited below, unless arming fails first
      tablets.send({ type: 'arm', target: subject.target, page, timeoutMs: CHANGE_TIMEOUT_MS });
      await armed;
      return { done }; // wrapped: an async function returning the promise itself would wait for it
    }),
  );
  const t0 = clock();
  lastEmit = t0;
  const acked = subject.present(page).then(() => clock());
  const [ackAt, reports] = await Promise.all([acked, Promise.all(pending.map((p) => p.done))]);
  const received: number[] = [];
  let missing = 0;
  reports.forEach((report, p) => {
    for (const at of report.times) if (at !== 0) received.push(at - offsets[p]! - t0);
    missing += report.missing;
  });
  if (received.length === 0) throw new Error(`${subject.target}: no tablet received page ${page}`);
  return { all: Math.max(...received), median: percentile(received, 50), first: Math.min(...received), ack: ackAt - t0, missing };
}

/**
 * Both servers at N tablets each; then their page changes alternate (app,
 * bare, bare, app, …) so that whatever else the machine does in the meantime
 * falls on both alike.
 */
async function measureAt(subjects: Subject[], n: number, offsets: number[], nextPage: () => number, profile: { connect: boolean; changes: boolean }): Promise<Phase[]> {
  const connectMs: number[] = [];
  const joinCpuMs: number[] = [];
  const added: number[] = [];
  for (const subject of subjects) {
    const before = { cpu: await cpuMs(subject.pid), connected: subject.connected };
    const grow = () => growTo(subject, n);
    connectMs.push(await (profile.connect && subject.target === 'app' ? profiled(`${n - subject.connected} tablets connecting and joining`, true, grow) : grow()));
    added.push(n - before.connected);
    joinCpuMs.push(((await cpuMs(subject.pid)) - before.cpu) / Math.max(1, n - before.connected));
  }
  await sleep(SETTLE_MS);
  const memory: { rss: number; heap: number }[] = [];
  for (const subject of subjects) memory.push(await subject.memory());
  const changes: Change[][] = subjects.map(() => []);
  const missing = subjects.map(() => 0);
  let cpuStart: number[] = [];
  const loop = async () => {
    for (let i = 0; i < WARMUP + CHANGES; i++) {
      if (i === WARMUP) cpuStart = await Promise.all(subjects.map((s) => cpuMs(s.pid)));
      const order = i % 2 === 0 ? subjects.map((_, k) => k) : subjects.map((_, k) => subjects.length - 1 - k);
      for (const k of order) {
        const change = await pageChange(subjects[k]!, offsets, nextPage());
        if (i < WARMUP) continue;
        changes[k]!.push(change);
        missing[k]! += change.missing;
      }
    }
  };
  await (profile.changes ? profiled(`${WARMUP + CHANGES} page changes at N=${n}`, false, loop) : loop());
  const cpuEnd = await Promise.all(subjects.map((s) => cpuMs(s.pid)));
  return subjects.map((subject, k) => ({
    target: subject.target,
    n,
    changes: changes[k]!,
    added: added[k]!,
    connectMs: connectMs[k]!,
    joinCpuMs: joinCpuMs[k]!,
    rssKbPerTablet: (memory[k]!.rss - subject.memory0.rss) / 1024 / n,
    heapKbPerTablet: (memory[k]!.heap - subject.memory0.heap) / 1024 / n,
    cpuMsPerChange: (cpuEnd[k]! - cpuStart[k]!) / CHANGES,
    missing: missing[k]!,
  }));
}

function describe(phase: Phase): string {
  const all = phase.changes.map((c) => c.all);
  const f = (v: number) => round(v, 2).toFixed(2).padStart(7);
  const worst = phase.changes.reduce((a, b) => (b.all > a.all ? b : a));
  return (
    `${phase.target.padEnd(4)} N=${String(phase.n).padStart(3)}: every tablet p50 ${f(percentile(all, 50))} ms, p99 ${f(percentile(all, 99))} ms (worst ${round(worst.all, 1)} ms, its ack ${round(worst.ack, 1)} ms); ` +
    `median tablet p50 ${f(percentile(phase.changes.map((c) => c.median), 50))} ms; first tablet p50 ${f(percentile(phase.changes.map((c) => c.first), 50))} ms; ` +
    `presenter ack p50 ${f(percentile(phase.changes.map((c) => c.ack), 50))} ms; server CPU ${round(phase.cpuMsPerChange, 1)} ms/change; ` +
    `${round(phase.rssKbPerTablet, 1)} KB RSS${GC ? ` and ${round(phase.heapKbPerTablet, 1)} KB heap` : ''} per tablet; connect+join ${Math.round(phase.connectMs)} ms for ${phase.added} more tablets (server CPU ${round(phase.joinCpuMs, 1)} ms each)` +
    (phase.missing > 0 ? `; ${phase.missing} updates MISSING` : '')
  );
}

/** Runs the whole benchmark; returns the RESULT line, printed last, once every child is gone (they may still write to stderr while stopping). */
async function main(): Promise<string> {
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`• load average before: ${load()} (other work on this machine skews both servers alike; their changes alternate)`);
  if (PROFILE !== undefined) console.log('! BENCH_PROFILE is set: the app runs under its profiler at times, so its figures are not comparable');
  console.log(`• fan-out of a page change to ${SIZES.join(' / ')} tablets; ${CHANGES} timed changes per N (after ${WARMUP} warm-up), ≥ ${SPACING_MS} ms apart; ${TABLET_PROCS} tablet process(es); ${os.availableParallelism()} CPUs`);
  work = await mkdtemp(path.join(os.tmpdir(), 'phs-bench-fanout-'));
  const pdfPath = path.join(work, 'trinh-chieu.pdf');
  const paragraphs = Array.from({ length: PAGES }, (_, i) => [`Trang ${i + 1}: nội dung trình chiếu tại phiên họp.`, PAGE_BREAK]).flat().slice(0, -1);
  await writeFile(pdfPath, await renderTextPdf({ title: 'Báo cáo kết quả thực hiện nhiệm vụ', paragraphs }));

  const database = process.env.DATABASE_URL === undefined ? 'embedded PGlite (in a temp data dir)' : 'PostgreSQL from DATABASE_URL';
  console.log(`• starting the app (demo data; database: ${database}), the bare Socket.io server and the tablets process…`);
  const inspectPort = await freePort();
  server = await startServerProcess({ DEMO_DATA: 'true', ...(GC ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:${inspectPort}`.trim() } : {}) });
  if (GC) inspector = await openInspector(inspectPort);
  bare = forkChild<FromBareServer, ToBareServer>('bare-server.ts', 'bare server', GC ? ['--expose-gc'] : []);
  for (let p = 0; p < TABLET_PROCS; p++) tabletProcs.push(forkChild<FromTablets, ToTablets>('tablets.ts', `tablets#${p + 1}`));
  const barePort = (await bare.next((m): m is Extract<FromBareServer, { type: 'listening' }> => m.type === 'listening', 30_000, 'listening')).port;
  const bareUrl = `http://127.0.0.1:${barePort}`;

  // — the meeting, over REST as the secretary —
  const url = server.url;
  const secretary = await login(url, 'thuky', PASSWORD);
  const units = await api<{ units: { id: string; name: string }[] }>(url, secretary, 'GET', '/api/v1/units');
  const users = await api<{ users: { id: string; username: string }[] }>(url, secretary, 'GET', '/api/v1/users?limit=500');
  const userId = (username: string) => {
    const user = users.users.find((u) => u.username === username);
    if (user === undefined) throw new Error(`no demo user ${username}`);
    return user.id;
  };
  const { meeting } = await api<{ meeting: { id: string } }>(url, secretary, 'POST', '/api/v1/meetings', {
    kind: 'bch',
    title: 'Hội nghị Ban Chấp hành (đo tải trình chiếu)',
    organizerUnitId: units.units.find((u) => u.name === 'Văn phòng Tỉnh ủy')!.id,
    startsAt: new Date(Date.now() + 86_400_000).toISOString(),
    membershipTotal: 600,
  });
  await api(url, secretary, 'POST', `/api/v1/meetings/${meeting.id}/participants`, { userId: userId('bithu'), role: 'chair' });
  for (const username of DELEGATES) await api(url, secretary, 'POST', `/api/v1/meetings/${meeting.id}/participants`, { userId: userId(username), role: 'delegate' });
  const uploaded = await uploadFile(`${url}/api/v1/meetings/${meeting.id}/documents`, secretary, { title: 'Báo cáo trình chiếu', kind: 'submission' }, pdfPath, 'trinh-chieu.pdf');
  if (uploaded.status !== 201) throw new Error(`upload failed: ${uploaded.status} ${uploaded.body}`);
  const document = (JSON.parse(uploaded.body) as { document: { id: string; pageCount: number } }).document;
  if (document.pageCount !== PAGES) throw new Error(`the document has ${document.pageCount} pages, expected ${PAGES}`);
  await api(url, secretary, 'POST', `/api/v1/meetings/${meeting.id}/status`, { to: 'published' });
  await api(url, secretary, 'POST', `/api/v1/meetings/${meeting.id}/status`, { to: 'in_session' });
  const chair = await login(url, 'bithu', PASSWORD);
  const cookies: string[] = [];
  for (const username of DELEGATES) cookies.push(await login(url, username, PASSWORD));
  console.log(`• meeting in session; ${PAGES}-page document; tablets log in as ${DELEGATES.length} delegates (one session each, shared by their tablets)`);

  // — the presenters: the chair on the app, a plain client on the bare server —
  const appPresenter = await connectSocket(url, chair);
  await call<LiveSnapshot>(appPresenter, 'meeting:join', { meetingId: meeting.id });
  await call(appPresenter, 'presentation:show', { meetingId: meeting.id, documentId: document.id, version: 1, page: 1 });
  let template: LiveUpdateMessage | undefined;
  const firstUpdate = new Promise<void>((resolve) => appPresenter.once('live:update', (message: LiveUpdateMessage) => ((template = message), resolve())));
  await call(appPresenter, 'presentation:page', { meetingId: meeting.id, page: 2 });
  await Promise.race([firstUpdate, sleep(5_000)]);
  if (template === undefined) throw new Error('the chair did not receive its own live:update');
  const room = `meeting:${meeting.id}`;
  const barePresenter = await connectSocket(bareUrl);
  await call(barePresenter, 'join', { room });
  const bareMessage: BarePage['message'] = { meetingId: template.meetingId, version: 0, serverTime: '', update: template.update };

  const appPid = server.child.pid!;
  const barePid = bare.child.pid!;
  const bareChannel = bare;
  const subjects: Record<Target, Subject> = {
    app: {
      target: 'app',
      url,
      pid: appPid,
      join: { event: 'meeting:join', payload: { meetingId: meeting.id } },
      cookies,
      present: (page) => call(appPresenter, 'presentation:page', { meetingId: meeting.id, page }).then(() => undefined),
      memory: async () => {
        const heap = inspector === undefined ? 0 : await inspector.gc();
        return { rss: (await processMemory(appPid)).rss, heap };
      },
      memory0: { rss: 0, heap: 0 },
      connected: 0,
    },
    bare: {
      target: 'bare',
      url: bareUrl,
      pid: barePid,
      join: { event: 'join', payload: { room } },
      cookies: [],
      present: (page) => {
        const value = { ...(bareMessage.update as { value: object }).value, page };
        return call(barePresenter, 'page', { room, message: { ...bareMessage, update: { section: 'presentation', value } } } satisfies BarePage).then(() => undefined);
      },
      memory: async () => {
        let heap = 0;
        if (GC) {
          const reply = bareChannel.next((m): m is Extract<FromBareServer, { type: 'memory' }> => m.type === 'memory', 30_000, 'memory');
          bareChannel.send({ type: 'memory' });
          heap = (await reply).heapUsed;
        }
        return { rss: (await processMemory(barePid)).rss, heap };
      },
      memory0: { rss: 0, heap: 0 },
      connected: 0,
    },
  };
  // The same bytes on the wire: the bare server's message is the app's, field for field.
  const bareSample = { ...bareMessage, version: template.version, serverTime: template.serverTime };
  console.log(`• live:update payload: app ${JSON.stringify(template).length} bytes of JSON, bare ${JSON.stringify(bareSample).length} bytes`);

  const offsets: number[] = [];
  for (const tablets of tabletProcs) {
    const { offset, rtt } = await calibrate(tablets);
    offsets.push(offset);
    console.log(`• ${tablets.name}: clock offset ${round(offset, 3)} ms (IPC round trip ${round(rtt, 3)} ms)`);
  }

  await sleep(SETTLE_MS);
  const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);
  for (const subject of [subjects.app, subjects.bare]) {
    subject.memory0 = await subject.memory();
    console.log(`• ${subject.target} with 0 tablets: RSS ${mb(subject.memory0.rss)} MB${GC ? `, V8 heap in use ${mb(subject.memory0.heap)} MB (after a full GC)` : ''}`);
  }

  let page = 2;
  const nextPage = () => (page = (page % PAGES) + 1);
  const phases: Phase[] = [];
  for (const n of SIZES) {
    const profile = { connect: n === SIZES[0], changes: n === SIZES[SIZES.length - 1] };
    for (const phase of await measureAt([subjects.app, subjects.bare], n, offsets, nextPage, profile)) {
      phases.push(phase);
      console.log(`  ${describe(phase)}`);
    }
  }

  // — the table —
  const p = (phase: Phase, pick: (c: Change) => number, q: number) => round(percentile(phase.changes.map(pick), q), 2).toFixed(2);
  const header = ['N', 'server', 'all p50 ms', 'all p99 ms', 'median-tablet p50 ms', 'ack p50 ms', 'CPU ms/change', 'RSS KB/tablet', 'heap KB/tablet', 'p99 app/bare'];
  const rows = phases.map((phase) => {
    const twin = phases.find((o) => o.n === phase.n && o.target !== phase.target)!;
    const ratio = phase.target === 'app' ? (percentile(phase.changes.map((c) => c.all), 99) / percentile(twin.changes.map((c) => c.all), 99)).toFixed(2) : '';
    return [String(phase.n), phase.target, p(phase, (c) => c.all, 50), p(phase, (c) => c.all, 99), p(phase, (c) => c.median, 50), p(phase, (c) => c.ack, 50), round(phase.cpuMsPerChange, 2).toFixed(2), round(phase.rssKbPerTablet, 1).toFixed(1), GC ? round(phase.heapKbPerTablet, 1).toFixed(1) : '-', ratio];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ');
  console.log('');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of rows) console.log(line(row));
  console.log('');
  console.log(`• load average after: ${load()}`);
  const missing = phases.reduce((sum, phase) => sum + phase.missing, 0);
  if (missing > 0) console.log(`! ${missing} expected updates never arrived (within ${CHANGE_TIMEOUT_MS} ms); their changes count the tablets that did receive them`);

  const largest = SIZES[SIZES.length - 1]!;
  const ours = phases.find((phase) => phase.target === 'app' && phase.n === largest)!;
  const base = phases.find((phase) => phase.target === 'bare' && phase.n === largest)!;
  const figure = `p99_${largest}`;
  return resultLine('fanout', figure, percentile(ours.changes.map((c) => c.all), 99), percentile(base.changes.map((c) => c.all), 99), 'ms');
}

let result: string | undefined;
try {
  result = await main();
} catch (error) {
  // After a global timeout or a signal, the run fails because its children were stopped: nothing more to say.
  if (cleaning === undefined) console.error('✗ fanout failed:', error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
} finally {
  await cleanup();
  clearTimeout(globalTimer);
}
if (result !== undefined) console.log(result);
