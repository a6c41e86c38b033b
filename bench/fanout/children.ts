/**
 * Plumbing for bench/fanout.ts: fork a TypeScript child with an IPC channel,
 * wait for its messages with a timeout, read a process's CPU time, kill it.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

type Waiter<In> = { match: (message: In) => boolean; resolve: (message: In) => void; reject: (error: Error) => void; timer: NodeJS.Timeout };

export type Channel<In, Out> = {
  child: ChildProcess;
  name: string;
  send(message: Out): void;
  /** The next message (already received or still to come) that `match`es; rejects after timeoutMs or if the child dies. */
  next<T extends In>(match: (message: In) => message is T, timeoutMs: number, what: string): Promise<T>;
  kill(): Promise<void>;
};

/** Forks bench/fanout/<file> (Node strips the types) with stdout/stderr shared with ours. */
export function forkChild<In extends { type: string }, Out>(file: string, name: string, execArgv: string[] = []): Channel<In, Out> {
  const child = fork(path.join(HERE, file), [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiters: Waiter<In>[] = [];
  const unclaimed: In[] = [];
  let dead: Error | null = null;

  const failAll = (error: Error) => {
    dead = error;
    for (const waiter of waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  };
  child.on('message', (raw) => {
    const message = raw as In;
    if (message.type === 'fatal') return failAll(new Error(`${name}: ${(message as unknown as { message: string }).message}`));
    const index = waiters.findIndex((w) => w.match(message));
    if (index < 0) {
      unclaimed.push(message);
      return;
    }
    const [waiter] = waiters.splice(index, 1);
    clearTimeout(waiter!.timer);
    waiter!.resolve(message);
  });
  child.on('exit', (code, signal) => failAll(new Error(`${name} exited (${signal ?? code})`)));
  child.on('error', (error) => failAll(error));

  return {
    child,
    name,
    send(message) {
      if (dead !== null) throw dead;
      child.send(message as object);
    },
    next<T extends In>(match: (message: In) => message is T, timeoutMs: number, what: string): Promise<T> {
      const index = unclaimed.findIndex(match);
      if (index >= 0) return Promise.resolve(unclaimed.splice(index, 1)[0] as T);
      if (dead !== null) return Promise.reject(dead);
      return new Promise<T>((resolve, reject) => {
        const waiter: Waiter<In> = {
          match,
          resolve: (message) => resolve(message as T),
          reject,
          timer: setTimeout(() => {
            waiters.splice(waiters.indexOf(waiter), 1);
            reject(new Error(`${name}: no ${what} within ${timeoutMs} ms`));
          }, timeoutMs),
        };
        waiters.push(waiter);
      });
    },
    kill: () => killChild(child),
  };
}

/** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export function killChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

let ticksPerSecond: number | undefined;

/** CPU time (user + system) a process has used so far, in milliseconds. */
export async function cpuMs(pid: number): Promise<number> {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ": state is field 3, utime 14, stime 15.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}
