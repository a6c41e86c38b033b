/**
 * The knobs of bench:fanout, read once from the environment (see the header
 * of bench/fanout.ts for what each one means).
 */
const sizes = (process.env.BENCH_SIZES ?? '100,500,1600')
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0)
  .sort((a, b) => a - b);

export const options = {
  sizes,
  /** p99 needs a few hundred: of 100 it is the second-worst change. */
  changes: Number(process.env.BENCH_CHANGES ?? 300),
  warmup: Number(process.env.BENCH_WARMUP ?? 5),
  spacingMs: Number(process.env.BENCH_SPACING_MS ?? 50),
  /** Four processes of clients by default: one process cannot read 1,600 sockets as fast as one server writes them. */
  tabletProcs: Math.max(1, Number(process.env.BENCH_TABLET_PROCS ?? 4)),
  timeoutS: Number(process.env.BENCH_TIMEOUT_S ?? 900),
  gc: process.env.BENCH_GC !== '0',
  profile: process.env.BENCH_PROFILE,
  /** A real PostgreSQL for the idle-memory figure (a fresh database is created in it and dropped afterwards). */
  postgresUrl: process.env.BENCH_POSTGRES_URL ?? process.env.DATABASE_URL,
  idleMemory: process.env.BENCH_IDLE_MEMORY !== '0',
};

export const PAGES = 40;
export const CONNECT_CONCURRENCY = 25;
export const CHANGE_TIMEOUT_MS = 10_000;
export const SETTLE_MS = 1_500;
export const PASSWORD = 'HoaBinh@2026';
/** Tablets log in as these demo delegates, round robin (the per-user socket cap is lifted for the bench). */
export const DELEGATES = ['phobithu', 'chutich', 'giamdoc.noivu', 'caophong.bithu', 'maichau.bithu', 'paco.chutich'];

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
