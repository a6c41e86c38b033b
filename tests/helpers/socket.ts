import { io, type Socket } from 'socket.io-client';
import { ACK_TIMEOUT_MS, type Ack, type ClientToServerEvents, type ServerToClientEvents } from '../../server/contract/realtime.ts';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A Socket.io client that presents a browser's cookie and origin. */
export function connectSocket(url: string, options: { cookie?: string; origin?: string } = {}): ClientSocket {
  const headers: Record<string, string> = {};
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  headers.origin = options.origin ?? url;
  return io(url, { path: '/socket.io', transports: ['websocket'], extraHeaders: headers, reconnection: false, forceNew: true });
}

/** Resolves on connect, rejects with the server's refusal message. */
export function connected(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
}

/** One contract call with its ack; throws with the server's reason when refused. */
export async function act<T = unknown>(socket: ClientSocket, event: string, payload: unknown): Promise<T> {
  const emitter = socket.timeout(ACK_TIMEOUT_MS) as unknown as { emitWithAck(e: string, p: unknown): Promise<Ack<T>> };
  const ack = await emitter.emitWithAck(event, payload);
  if (!ack.ok) throw new Error(`${event}: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}
