export { realtime, RealtimeClient } from './client.svelte.ts';
export type { ConnectionState, AppSocket, RealtimeOptions } from './client.svelte.ts';
