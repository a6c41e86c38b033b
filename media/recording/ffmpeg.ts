/**
 * One ffmpeg child process: started with arguments, stopped gracefully
 * (SIGINT: ffmpeg flushes and closes the file) or, if it does not exit in
 * time, killed. Keeps the end of its stderr for the log when it fails, and
 * hands each stderr line to `onLine` (the recorder reacts to what ffmpeg says).
 */
import { spawn, type ChildProcess } from 'node:child_process';

export type FfmpegExit = { code: number | null; signal: NodeJS.Signals | null; stderr: string };

const STDERR_TAIL = 4000;

export class FfmpegProcess {
  readonly #child: ChildProcess;
  readonly exited: Promise<FfmpegExit>;
  /** resolves once the process runs; rejects when it could not be started (no such binary) */
  readonly started: Promise<void>;
  #stderr = '';
  #done = false;

  constructor(bin: string, args: string[], onLine?: (line: string) => void) {
    this.#child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.#child.stderr?.setEncoding('utf8');
    let partial = '';
    this.#child.stderr?.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-STDERR_TAIL);
      if (!onLine) return;
      const lines = (partial + chunk).split('\n');
      partial = (lines.pop() ?? '').slice(-STDERR_TAIL);
      for (const line of lines) onLine(line);
    });
    this.started = new Promise((resolve, reject) => {
      this.#child.once('spawn', () => resolve());
      this.#child.once('error', reject);
    });
    this.started.catch(() => undefined);
    this.exited = new Promise((resolve) => {
      this.#child.once('error', (error) => {
        this.#done = true;
        resolve({ code: null, signal: null, stderr: `${this.#stderr}\n${error.message}` });
      });
      this.#child.once('exit', (code, signal) => {
        this.#done = true;
        resolve({ code, signal, stderr: this.#stderr });
      });
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get running(): boolean {
    return !this.#done;
  }

  /**
   * SIGINT: ffmpeg finishes the file once its read loop sees the next packet
   * (a second signal would interrupt the writing of the file's end too, so
   * the caller makes sure a packet comes: RoomRecorder nudges it). SIGKILL
   * after graceMs. Resolves when it has exited.
   */
  async stop(graceMs = 5000): Promise<FfmpegExit> {
    if (this.#done) return this.exited;
    this.#child.kill('SIGINT');
    const kill = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(kill);
    }
  }
}

/** Runs ffmpeg/ffprobe to completion; rejects with its stderr on a non-zero exit. */
export async function runTool(bin: string, args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err = (err + chunk).slice(-STDERR_TAIL)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${bin} exited with ${code}: ${err.trim()}`));
    });
  });
}
