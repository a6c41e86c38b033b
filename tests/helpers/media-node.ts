/**
 * A media node as its own process (`npm run media-node`, i.e. media/nodes/main.ts),
 * optionally inside a network namespace (another host), for tests that kill it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { NetworkNamespace } from './netns.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

export type MediaNodeProcess = {
  name: string;
  /** where the app's link connects */
  host: string;
  port: number;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
};

export type MediaNodeSpec = {
  name: string;
  secret: string;
  ip: string;
  port: number;
  workers?: number;
  webRtcPorts: string;
  rtcPorts: string;
  ns?: NetworkNamespace;
};

export async function startMediaNode(spec: MediaNodeSpec): Promise<MediaNodeProcess> {
  const argv: [string, string[]] = [process.execPath, ['media/nodes/main.ts']];
  const [command, args] = spec.ns ? spec.ns.exec(argv[0], argv[1]) : argv;
  const child: ChildProcess = spawn(command, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      ...(process.env.MEDIASOUP_WORKER_BIN ? { MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN } : {}),
      MEDIA_NODE_NAME: spec.name,
      MEDIA_NODE_SECRET: spec.secret,
      MEDIA_NODE_HOST: spec.ip,
      MEDIA_NODE_PORT: String(spec.port),
      MEDIA_NODE_LISTEN_IP: spec.ip,
      MEDIA_NODE_WORKERS: String(spec.workers ?? 1),
      MEDIA_NODE_WEBRTC_PORTS: spec.webRtcPorts,
      MEDIA_NODE_RTC_PORTS: spec.rtcPorts,
    },
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`media node ${spec.name} did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('"msg":"ready"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`media node ${spec.name} exited with ${code}:\n${output}`));
    });
  });
  return {
    name: spec.name,
    host: spec.ip,
    port: spec.port,
    output: () => output,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
