export { realtime, RealtimeClient } from './client.svelte.ts';
export type { ConnectionState, AppSocket, RealtimeOptions } from './client.svelte.ts';
export { callOver, politely, type Call, type Payloads, type AckData } from './call.ts';
export { errorKind, isRetryable, type ErrorKind } from './errors.ts';
export { SocketFollower, type LinkSocket } from './follower.ts';
