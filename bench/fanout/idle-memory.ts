/**
 * How much memory the app holds when nobody is connected, with each database:
 * the embedded PGlite on its first start (initdb in a child process, then the
 * demo data seeded by the app), the
 * same data directory opened again (what a deployment runs after its first
 * day), and a real PostgreSQL (a fresh database created for this and dropped
 * afterwards). Each is its own app process with the demo data, measured after
 * a full GC through the inspector; nothing else of the bench runs meanwhile.
 */
import { rm } from 'node:fs/promises';
import postgres from 'postgres';
import { freePort, processMemory, startServerProcess, type ServerProcess } from '../lib/server-process.ts';
import { round } from '../lib/stats.ts';
import { killChild } from './children.ts';
import { openInspector } from './inspector.ts';
import { SETTLE_MS, sleep } from './options.ts';

type Idle = { label: string; rssMb: number; heapMb: number };

async function measureIdle(label: string, env: Record<string, string>): Promise<{ idle: Idle; server: ServerProcess }> {
  const inspectPort = await freePort();
  const server = await startServerProcess({ DEMO_DATA: 'true', MAX_SOCKETS_PER_USER: '1000', ...env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:${inspectPort}`.trim() });
  try {
    const inspector = await openInspector(inspectPort);
    try {
      await sleep(SETTLE_MS);
      const heap = await inspector.gc();
      const { rss } = await processMemory(server.child.pid!);
      return { idle: { label, rssMb: round(rss / 1024 / 1024, 1), heapMb: round(heap / 1024 / 1024, 1) }, server };
    } finally {
      inspector.close();
    }
  } finally {
    await killChild(server.child, 10_000);
  }
}

async function embedded(): Promise<Idle[]> {
  const first = await measureIdle('embedded PGlite, first start (initdb in a child process, demo data seeded in the app)', { DATABASE_URL: '' });
  try {
    const again = await measureIdle('embedded PGlite, same data directory reopened', { DATABASE_URL: '', DATA_DIR: first.server.dataDir });
    await rm(again.server.dataDir, { recursive: true, force: true });
    return [first.idle, again.idle];
  } finally {
    await rm(first.server.dataDir, { recursive: true, force: true });
  }
}

async function external(url: string): Promise<Idle> {
  const name = `phs_bench_fanout_${process.pid}_${Date.now()}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
    try {
      const target = new URL(url);
      target.pathname = `/${name}`;
      const { idle, server } = await measureIdle('PostgreSQL (DATABASE_URL)', { DATABASE_URL: target.toString() });
      await rm(server.dataDir, { recursive: true, force: true });
      return idle;
    } finally {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** Prints and returns the idle figures; PostgreSQL only when a URL is given. */
export async function reportIdleMemory(postgresUrl: string | undefined): Promise<Idle[]> {
  const figures = await embedded();
  if (postgresUrl === undefined) console.log('• idle memory with PostgreSQL: not measured (set BENCH_POSTGRES_URL or DATABASE_URL)');
  else figures.push(await external(postgresUrl));
  for (const idle of figures) console.log(`• idle app, ${idle.label}: RSS ${idle.rssMb} MB, V8 heap in use ${idle.heapMb} MB (after a full GC)`);
  return figures;
}
