/** The parent's side of bench/province/sink.ts: fork it, open the points' sockets, ask in order. */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export type Sinks = {
  child: ChildProcess;
  ports: number[];
  lossStart(): Promise<void>;
  lossRead(): Promise<{ received: number; lost: number }>;
  arm(videoPt: number): Promise<void>;
  keyFrames(watch: [port: number, ssrc: number][]): Promise<(number | null)[]>;
};

export async function startSinks(count: number, sampleEvery: number): Promise<Sinks> {
  const child = fork(path.join(here, 'sink.ts'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  // one request at a time, so each answer belongs to the request before it
  let chain: Promise<unknown> = Promise.resolve();
  const ask = <T>(message: object): Promise<T> => {
    const next = chain.then(
      () =>
        new Promise<T>((resolve) => {
          child.once('message', (answer: T) => resolve(answer));
          child.send(message);
        }),
    );
    chain = next.catch(() => undefined);
    return next;
  };
  const { ports } = await ask<{ ports: number[] }>({ type: 'open', count, sampleEvery });
  return {
    child,
    ports,
    lossStart: () => ask({ type: 'loss-start' }),
    lossRead: () => ask({ type: 'loss-read' }),
    arm: (videoPt) => ask({ type: 'arm', videoPt }),
    keyFrames: async (watch) => (await ask<{ times: (number | null)[] }>({ type: 'keyframes', watch })).times,
  };
}
