/** Messages between bench/documents.ts and its readers processes (bench/documents/readers.ts), over the fork IPC channel. */
export type ToReaders = {
  type: 'read';
  url: string;
  /** one per reader of this process (its own session); null: no cookie (bare nginx) */
  cookies: string[] | null;
  readers: number;
  size: number;
  firstRange: number;
};

export type FromReaders =
  /** Moments as epoch milliseconds (performance.timeOrigin + now), comparable across the readers processes. */
  | { type: 'read-done'; ttfbMs: number[]; bytes: number; failures: number; firstFailure: string | null; startedAt: number; endedAt: number }
  | { type: 'fatal'; message: string };
