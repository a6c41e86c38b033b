/**
 * The app's link to one media node: a TLS-PSK connection (psk.ts) that
 * reconnects by itself, and the local socket the worker stubs
 * (worker-stub.mjs) connect to. `spawnWorker()` returns a real mediasoup
 * Worker whose process is a stub here and whose worker runs on the node;
 * every mediasoup object made on it (routers, transports, producers) then
 * works as on a local worker, its media flowing at the node's address.
 *
 * When the link closes or stays silent past LINK_TIMEOUT_MS, every stub is
 * cut, so mediasoup reports those workers dead and the rooms move their
 * peers (the same path as a crashed local worker).
 */
import { EventEmitter } from 'node:events';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { createWorker } from 'mediasoup';
import type * as ms from 'mediasoup/types';
import { MediaError } from '../errors.ts';
import { SerialQueue } from '../queue.ts';
import { pskClientOptions } from './psk.ts';
import { FrameReader, FrameType, HEARTBEAT_MS, LINK_TIMEOUT_MS, NodeToApp, decodeControl, encodeControl, encodeFrame, type NodeHello, type WorkerSpawned } from './wire.ts';

const STUB = path.join(import.meta.dirname, 'worker-stub.mjs');
const SPAWN_TIMEOUT_MS = 10_000;
const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 3_000;

export type MediaNodeTarget = {
  /** the name placement rules use; must match the node's own */
  name: string;
  host: string;
  port: number;
  /** workers the app runs there */
  workers: number;
};

export type NodeAddress = { name: string; listenIp: string; announcedAddress: string | undefined };

export type NodeLinkEvents = {
  up: [NodeAddress];
  down: [{ reason: string }];
};

type Channel = { id: number; stub: net.Socket | undefined; spawned: PromiseWithResolvers<WorkerSpawned> };

export class NodeLink extends EventEmitter<NodeLinkEvents> {
  readonly target: MediaNodeTarget;
  readonly #secret: string;
  readonly #runDir: string;
  readonly #spawns = new SerialQueue();
  readonly #channels = new Map<number, Channel>();
  #socket: tls.TLSSocket | undefined;
  #hello: NodeHello | undefined;
  #stubServer: net.Server | undefined;
  #stubPath = '';
  #launcher = '';
  #awaitingStub: Channel | undefined;
  #nextChannel = 1;
  #reconnectDelay = RECONNECT_MIN_MS;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(target: MediaNodeTarget, secret: string, runDir: string) {
    super();
    this.target = target;
    this.#secret = secret;
    this.#runDir = runDir;
  }

  /** the node's media address once linked */
  get address(): NodeAddress | undefined {
    const hello = this.#hello;
    return hello && { name: hello.node, listenIp: hello.listenIp, announcedAddress: hello.announcedAddress };
  }

  get up(): boolean {
    return this.#hello !== undefined;
  }

  /** Prepares the stub socket and launcher, then links (and keeps relinking) in the background. */
  async start(): Promise<void> {
    await mkdir(this.#runDir, { recursive: true, mode: 0o700 });
    this.#stubPath = path.join(this.#runDir, `node-${this.target.name}-${process.pid}.sock`);
    await rm(this.#stubPath, { force: true });
    this.#stubServer = net.createServer((stub) => this.#onStub(stub));
    await new Promise<void>((resolve, reject) => {
      this.#stubServer!.once('error', reject);
      this.#stubServer!.listen(this.#stubPath, () => resolve());
    });
    await chmod(this.#stubPath, 0o600);
    this.#launcher = path.join(this.#runDir, `node-${this.target.name}-${process.pid}-worker.sh`);
    await writeFile(this.#launcher, `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(STUB)} ${shellQuote(this.#stubPath)}\n`, { mode: 0o700 });
    this.#connect();
  }

  /** Resolves once linked (or rejects after `timeoutMs`). */
  async whenUp(timeoutMs: number): Promise<NodeAddress> {
    if (this.address) return this.address;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('up', onUp);
        reject(new MediaError('unavailable', `media node ${this.target.name} not reachable`));
      }, timeoutMs);
      const onUp = (address: NodeAddress) => {
        clearTimeout(timer);
        resolve(address);
      };
      this.once('up', onUp);
    });
  }

  /** A mediasoup worker running on the node, and the WebRtcServer port the node gave it. */
  async spawnWorker<AppData extends ms.AppData>(options: { logLevel: ms.WorkerLogLevel; appData: AppData }): Promise<{ worker: ms.Worker<AppData>; webRtcPort: number; address: NodeAddress }> {
    return this.#spawns.push(async () => {
      const address = this.address;
      if (!address || this.#closed) throw new MediaError('unavailable', `media node ${this.target.name} is not linked`);
      const channel: Channel = { id: this.#nextChannel++, stub: undefined, spawned: Promise.withResolvers() };
      channel.spawned.promise.catch(() => {});
      this.#channels.set(channel.id, channel);
      this.#awaitingStub = channel;
      const timer = setTimeout(() => channel.spawned.reject(new MediaError('unavailable', 'media node did not start the worker in time')), SPAWN_TIMEOUT_MS);
      try {
        const [worker, spawned] = await Promise.all([
          createWorker<AppData>({ workerBin: this.#launcher, logLevel: options.logLevel, appData: options.appData }),
          channel.spawned.promise,
        ]);
        if (spawned.webRtcPort === undefined) throw new MediaError('unavailable', spawned.error ?? 'media node refused the worker');
        return { worker, webRtcPort: spawned.webRtcPort, address };
      } catch (error) {
        this.#dropChannel(channel, true);
        throw error instanceof MediaError ? error : new MediaError('unavailable', `media node ${this.target.name}: ${String(error)}`);
      } finally {
        clearTimeout(timer);
        if (this.#awaitingStub === channel) this.#awaitingStub = undefined;
      }
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#reconnectTimer);
    this.#socket?.destroy();
    for (const channel of [...this.#channels.values()]) this.#dropChannel(channel, false);
    await new Promise<void>((resolve) => (this.#stubServer ? this.#stubServer.close(() => resolve()) : resolve()));
    await Promise.all([rm(this.#stubPath, { force: true }), rm(this.#launcher, { force: true })]);
  }

  // ---- the stubs' side ----------------------------------------------------

  #onStub(stub: net.Socket): void {
    const channel = this.#awaitingStub;
    if (!channel || channel.stub) {
      stub.destroy();
      return;
    }
    channel.stub = stub;
    let hello = Buffer.alloc(0);
    const onHello = (chunk: Buffer) => {
      hello = Buffer.concat([hello, chunk]);
      if (hello.length < 4) return;
      stub.off('data', onHello);
      const stubPid = hello.readUInt32BE(0);
      this.#send(encodeControl({ type: 'spawn', channel: channel.id, stubPid, logLevel: 'warn' }));
      const rest = hello.subarray(4);
      if (rest.length > 0) this.#send(encodeFrame(FrameType.data, channel.id, rest));
      stub.on('data', (data: Buffer) => this.#send(encodeFrame(FrameType.data, channel.id, data)));
    };
    stub.on('data', onHello);
    stub.on('error', () => {});
    stub.on('close', () => {
      if (this.#channels.get(channel.id) === channel) this.#dropChannel(channel, true);
    });
  }

  #dropChannel(channel: Channel, tellNode: boolean): void {
    if (this.#channels.get(channel.id) !== channel) return;
    this.#channels.delete(channel.id);
    channel.spawned.reject(new MediaError('unavailable', 'worker channel closed'));
    channel.stub?.destroy();
    if (tellNode) this.#send(encodeControl({ type: 'gone', channel: channel.id }));
  }

  // ---- the node's side ----------------------------------------------------

  #send(frame: Buffer): void {
    const socket = this.#socket;
    if (socket && !socket.destroyed && this.#hello) socket.write(frame);
  }

  #connect(): void {
    if (this.#closed) return;
    const reader = new FrameReader();
    let lastHeard = Date.now();
    let heartbeat: NodeJS.Timeout | undefined;
    const socket = tls.connect({ host: this.target.host, port: this.target.port, ...pskClientOptions(this.#secret) });
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('secureConnect', () => {
      heartbeat = setInterval(() => {
        if (Date.now() - lastHeard > LINK_TIMEOUT_MS) socket.destroy(new Error('media node silent'));
        else socket.write(encodeFrame(FrameType.ping, 0));
      }, HEARTBEAT_MS);
      heartbeat.unref();
    });
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
        if (frame.type === FrameType.ping) socket.write(encodeFrame(FrameType.pong, 0));
        else if (frame.type === FrameType.data) this.#channels.get(frame.channel)?.stub?.write(frame.payload);
        else if (frame.type === FrameType.control) this.#onControl(socket, frame.payload);
      }
    });
    let reason = 'closed';
    socket.on('error', (error) => (reason = error.message));
    socket.on('close', () => {
      clearInterval(heartbeat);
      if (this.#socket === socket) this.#socket = undefined;
      const wasUp = this.#hello !== undefined;
      this.#hello = undefined;
      for (const channel of [...this.#channels.values()]) this.#dropChannel(channel, false);
      if (wasUp) {
        this.#reconnectDelay = RECONNECT_MIN_MS;
        this.emit('down', { reason });
      }
      if (this.#closed) return;
      this.#reconnectTimer = setTimeout(() => this.#connect(), this.#reconnectDelay);
      this.#reconnectTimer.unref();
      this.#reconnectDelay = Math.min(RECONNECT_MAX_MS, this.#reconnectDelay * 2);
    });
  }

  #onControl(socket: tls.TLSSocket, payload: Buffer): void {
    const message = decodeControl(NodeToApp, payload);
    if (!message) {
      socket.destroy(new Error('malformed message from media node'));
      return;
    }
    if (message.type === 'hello') {
      if (message.node !== this.target.name) {
        // the secret is right but it is another node than configured: placement would lie
        socket.destroy(new Error(`expected media node ${this.target.name}, found ${message.node}`));
        return;
      }
      this.#hello = message;
      this.#reconnectDelay = RECONNECT_MIN_MS;
      this.emit('up', this.address!);
    } else if (message.type === 'spawned') {
      const channel = this.#channels.get(message.channel);
      channel?.spawned.resolve(message);
      // refused: no worker will ever send the running notice mediasoup waits for; cutting the stub makes it fail now
      if (channel && message.webRtcPort === undefined) this.#dropChannel(channel, false);
    } else {
      const channel = this.#channels.get(message.channel);
      if (channel) this.#dropChannel(channel, false);
    }
  }
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
