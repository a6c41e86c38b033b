/** The presenter's side: a Socket.io client in the bench's own process that calls and waits for acks. */
import { io, type Socket } from 'socket.io-client';
import { onCleanup } from './cleanup.ts';

type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

export function connectSocket(url: string, cookie?: string): Promise<Socket> {
  const extraHeaders: Record<string, string> = { origin: url };
  if (cookie !== undefined) extraHeaders.cookie = cookie;
  const socket = io(url, { path: '/socket.io', transports: ['websocket'], extraHeaders, reconnection: false, forceNew: true });
  onCleanup(() => socket.close());
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

export async function call<T>(socket: Socket, event: string, payload: unknown): Promise<T> {
  const ack = (await socket.timeout(5_000).emitWithAck(event, payload)) as Ack<T>;
  if (!ack.ok) throw new Error(`${event}: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}
