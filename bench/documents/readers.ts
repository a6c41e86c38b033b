/**
 * The tablets of bench:documents: this process's share of the readers, each
 * asking for the start of the file (its first byte is what a delegate waits
 * for) and then the rest, as pdf.js does. Several such processes share the
 * hall out, as tablets are separate devices: in one process the bytes
 * pouring in for the readers served first would hold up the moment the
 * others' first bytes are seen.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { FromReaders, ToReaders } from './protocol.ts';
import { get } from './range-get.ts';

function send(message: FromReaders): void {
  process.send?.(message);
}

async function read(message: ToReaders): Promise<void> {
  const at = () => performance.timeOrigin + performance.now();
  const agent = new http.Agent({ keepAlive: true, maxSockets: message.readers });
  const ttfbMs: number[] = [];
  let bytes = 0;
  let failures = 0;
  let firstFailure: string | null = null;
  const startedAt = at();
  await Promise.all(
    Array.from({ length: message.readers }, async (_, i) => {
      const headers: Record<string, string> = message.cookies === null ? {} : { cookie: message.cookies[i]! };
      const head = await get(agent, message.url, { ...headers, range: `bytes=0-${message.firstRange - 1}` });
      const rest = await get(agent, message.url, { ...headers, range: `bytes=${message.firstRange}-` });
      if (head.status !== 206 || rest.status !== 206 || head.bytes + rest.bytes !== message.size) {
        firstFailure ??= `${head.status}/${rest.status}, ${head.bytes + rest.bytes} of ${message.size} bytes: ${head.sample} | ${rest.sample}`;
        failures += 1;
      }
      ttfbMs.push(head.ttfb);
      bytes += head.bytes + rest.bytes;
    }),
  );
  agent.destroy();
  send({ type: 'read-done', ttfbMs, bytes, failures, firstFailure, startedAt, endedAt: at() });
}

process.on('message', (raw) => {
  read(raw as ToReaders).catch((error: unknown) => send({ type: 'fatal', message: error instanceof Error ? error.message : String(error) }));
});
process.on('disconnect', () => process.exit(0));
