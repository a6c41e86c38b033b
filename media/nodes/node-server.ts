/**
 * A media node (`npm run media-node`): a process, possibly on another host,
 * that runs mediasoup workers for the app. The app connects over TLS with
 * the shared secret (psk.ts; a wrong secret fails the handshake), asks for
 * workers, and drives each one through its channel exactly as it drives a
 * local worker: this process only starts them, relays their channel bytes
 * (wire.ts) and gives each a WebRtcServer port of its own. Media itself
 * (WebRTC, pipes between nodes) goes straight to the workers' ports.
 *
 * A link that stays silent past LINK_TIMEOUT_MS, or closes, takes its
 * workers with it, so a lost app frees the node's ports and a lost node is
 * seen as dead workers by the app.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import type { Writable } from 'node:stream';
import tls from 'node:tls';
import { version as mediasoupVersion, workerBin as defaultWorkerBin } from 'mediasoup';
import { pskServerOptions } from './psk.ts';
import { RunningNoticeRewriter } from './running-notice.ts';
import {
  AppToNode,
  FrameReader,
  FrameType,
  HEARTBEAT_MS,
  LINK_TIMEOUT_MS,
  decodeControl,
  encodeControl,
  encodeFrame,
  type NodeHello,
  type SpawnWorker,
} from './wire.ts';

export type MediaNodeOptions = {
  name: string;
  secret: string;
  /** where the app connects (control link) */
  host: string;
  port: number;
  /** workers one app may run here */
  workers: number;
  /** media listen address on this host, and the address others reach it by (if different) */
  listenIp: string;
  announcedAddress?: string;
  /** WebRtcServer ports handed out one per worker */
  webRtcPorts: { min: number; max: number };
  /** ports of pipe and plain transports */
  rtcPorts: { min: number; max: number };
  workerBin?: string;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
};

type NodeWorker = { child: ChildProcess; webRtcPort: number };

export type MediaNodeEvents = { link: [{ remote: string }]; linkLost: [{ remote: string; reason: string }]; refused: [{ remote: string; reason: string }] };

export class MediaNodeServer extends EventEmitter<MediaNodeEvents> {
  readonly #options: MediaNodeOptions;
  readonly #server: tls.Server;
  readonly #portsInUse = new Set<number>();
  readonly #links = new Set<tls.TLSSocket>();
  readonly #workerPids = new Set<number>();

  constructor(options: MediaNodeOptions) {
    super();
    this.#options = options;
    this.#server = tls.createServer(pskServerOptions(options.secret), (socket) => this.#onLink(socket));
    // a wrong secret fails here, before any byte of ours is read
    this.#server.on('tlsClientError', (error, socket) => {
      const remote = remoteOf(socket);
      this.#log('warn', 'link refused', { remote, reason: error.message });
      this.emit('refused', { remote, reason: error.message });
    });
  }

  async listen(): Promise<{ port: number }> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#options.port, this.#options.host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const address = this.#server.address();
    const port = typeof address === 'object' && address ? address.port : this.#options.port;
    this.#log('info', 'media node listening', { name: this.#options.name, host: this.#options.host, port });
    return { port };
  }

  /** pids of the workers running here now (benchmarks read their CPU) */
  workerPids(): number[] {
    return [...this.#workerPids];
  }

  async close(): Promise<void> {
    for (const link of this.#links) link.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #onLink(socket: tls.TLSSocket): void {
    const remote = remoteOf(socket);
    const workers = new Map<number, NodeWorker>();
    const reader = new FrameReader();
    let lastHeard = Date.now();
    this.#links.add(socket);
    socket.setNoDelay(true);
    this.emit('link', { remote });
    this.#log('info', 'app linked', { remote });

    const send = (frame: Buffer) => {
      if (!socket.destroyed) socket.write(frame);
    };
    const heartbeat = setInterval(() => {
      if (Date.now() - lastHeard > LINK_TIMEOUT_MS) socket.destroy(new Error('link silent'));
      else send(encodeFrame(FrameType.ping, 0));
    }, HEARTBEAT_MS);
    heartbeat.unref();

    const hello: NodeHello = {
      type: 'hello',
      node: this.#options.name,
      workers: this.#options.workers,
      listenIp: this.#options.listenIp,
      ...(this.#options.announcedAddress ? { announcedAddress: this.#options.announcedAddress } : {}),
    };
    send(encodeControl(hello));

    const stopWorker = (channel: number) => {
      const worker = workers.get(channel);
      if (!worker) return;
      workers.delete(channel);
      worker.child.kill('SIGKILL');
    };

    socket.on('data', (chunk: Buffer) => {
      lastHeard = Date.now();
      let frames;
      try {
        frames = reader.push(chunk);
      } catch (error) {
        socket.destroy(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      for (const frame of frames) {
        if (frame.type === FrameType.ping) send(encodeFrame(FrameType.pong, 0));
        else if (frame.type === FrameType.data) (workers.get(frame.channel)?.child.stdio[3] as Writable | undefined)?.write(frame.payload);
        else if (frame.type === FrameType.control) {
          const message = decodeControl(AppToNode, frame.payload);
          if (!message) {
            this.#log('warn', 'malformed control message', { remote });
            continue;
          }
          if (message.type === 'gone') stopWorker(message.channel);
          else this.#spawn(message, workers, send);
        }
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(heartbeat);
      this.#links.delete(socket);
      for (const channel of [...workers.keys()]) stopWorker(channel);
      this.#log('warn', 'app link lost', { remote });
      this.emit('linkLost', { remote, reason: 'closed' });
    });
  }

  #spawn(request: SpawnWorker, workers: Map<number, NodeWorker>, send: (frame: Buffer) => void): void {
    const refuse = (error: string) => send(encodeControl({ type: 'spawned', channel: request.channel, error }));
    if (workers.has(request.channel)) return refuse('channel in use');
    if (workers.size >= this.#options.workers) return refuse(`this node runs at most ${this.#options.workers} workers per app`);
    const webRtcPort = this.#takePort();
    if (webRtcPort === undefined) return refuse('no WebRTC port left on this node');
    const { rtcPorts } = this.#options;
    const child = spawn(
      this.#options.workerBin ?? process.env.MEDIASOUP_WORKER_BIN ?? defaultWorkerBin,
      [`--logLevel=${request.logLevel}`, `--rtcMinPort=${rtcPorts.min}`, `--rtcMaxPort=${rtcPorts.max}`],
      { env: workerEnv(), stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] },
    );
    const worker: NodeWorker = { child, webRtcPort };
    workers.set(request.channel, worker);
    const pid = child.pid;
    if (pid !== undefined) this.#workerPids.add(pid);
    const rewriter = new RunningNoticeRewriter(child.pid ?? -1, request.stubPid);
    const fromWorker = child.stdio[4];
    fromWorker?.on('data', (chunk: Buffer) => send(encodeFrame(FrameType.data, request.channel, rewriter.push(chunk))));
    fromWorker?.on('error', () => {});
    child.stdio[3]?.on('error', () => {});
    child.stderr?.on('data', (chunk: Buffer) => this.#log('warn', 'worker stderr', { channel: request.channel, text: chunk.toString('utf8').slice(0, 500) }));
    child.on('error', (error) => this.#log('error', 'worker failed to start', { err: error.message }));
    child.once('exit', (code, signal) => {
      this.#portsInUse.delete(webRtcPort);
      if (pid !== undefined) this.#workerPids.delete(pid);
      if (workers.get(request.channel) === worker) {
        workers.delete(request.channel);
        send(encodeControl({ type: 'gone', channel: request.channel }));
        this.#log('warn', 'worker exited', { channel: request.channel, code, signal });
      }
    });
    this.#log('info', 'worker started', { channel: request.channel, pid: child.pid, webRtcPort });
    send(encodeControl({ type: 'spawned', channel: request.channel, webRtcPort }));
  }

  #takePort(): number | undefined {
    const { min, max } = this.#options.webRtcPorts;
    for (let port = min; port <= max; port++) {
      if (!this.#portsInUse.has(port)) {
        this.#portsInUse.add(port);
        return port;
      }
    }
    return undefined;
  }

  #log(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
    this.#options.log?.(level, message, fields);
  }
}

/** The worker needs no secret of ours: only mediasoup's version and the library path, if one is set. */
function workerEnv(): NodeJS.ProcessEnv {
  return { MEDIASOUP_VERSION: mediasoupVersion, ...(process.env.LD_LIBRARY_PATH ? { LD_LIBRARY_PATH: process.env.LD_LIBRARY_PATH } : {}) };
}

function remoteOf(socket: net.Socket): string {
  return `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
}
