/**
 * Sends a stored file with @fastify/send (ETag revalidation, and ranges, so
 * pdf.js can open page 1 without the whole file): its status and headers,
 * then the route's own headers, then the bytes. Fastify sends the body as it
 * is (the route's response schema only declares it).
 *
 * With `memory`, the bytes of a file many readers share come from one buffer
 * held in memory instead of a stream from disk: @fastify/send still decides
 * everything (conditions, the range, 304, 416), asked as for a HEAD so it
 * opens nothing, and the answer's Content-Range says which slice to send.
 */
import send from '@fastify/send';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MemoryFiles } from './memory-files.ts';

export type SendFileOptions = {
  /** ranges asked for: a range outside the file is answered 416 with the real length (RFC 9110), not "not found" */
  ranges: boolean;
  /** set after send's own (content type, disposition, caching) */
  headers: Record<string, string>;
  /** bytes per read from disk (default: @fastify/send's 64 KiB) */
  highWaterMark?: number;
  /** what a missing file is to the caller */
  notFound: () => Error;
  /** serve from (and load into) this memory of whole files */
  memory?: MemoryFiles;
};

type SendResult = Awaited<ReturnType<typeof send>>;

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/\d+$/;

export async function sendFile(request: FastifyRequest, reply: FastifyReply, path: string, options: SendFileOptions): Promise<FastifyReply> {
  const sendOptions = { ...(options.ranges ? { acceptRanges: true } : {}), ...(options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark }), etag: true, lastModified: false, cacheControl: false };
  if (options.memory !== undefined && request.raw.method === 'GET') {
    // send reads only the method and the headers of the request it is given.
    const head = await send({ headers: request.raw.headers, method: 'HEAD' } as typeof request.raw, path, sendOptions);
    // 304 and errors carry no body.
    if (head.type !== 'file' || head.statusCode >= 300) return answer(reply, head, options, undefined);
    const body = await heldSlice(options.memory, path, head);
    // A file not held (too large, changed while read) is streamed as before.
    if (body !== undefined) return answer(reply, head, options, body);
  }
  return answer(reply, await send(request.raw, path, sendOptions), options, undefined);
}

/** The bytes the HEAD answer describes, from memory; undefined to stream them instead. */
async function heldSlice(memory: MemoryFiles, path: string, head: SendResult & { type: 'file' }): Promise<Buffer | undefined> {
  const bytes = await memory.bytes(path, head.metadata.stat).catch(() => undefined);
  if (bytes === undefined) return undefined;
  if (head.statusCode !== 206) return bytes;
  const range = CONTENT_RANGE.exec(String(head.headers['Content-Range'] ?? ''));
  if (range === null) return undefined;
  return bytes.subarray(Number(range[1]), Number(range[2]) + 1);
}

function answer(reply: FastifyReply, result: SendResult, options: SendFileOptions, body: Buffer | undefined): FastifyReply {
  if (result.type === 'error') {
    if (!options.ranges || result.statusCode !== 416) throw options.notFound();
    return reply.status(416).headers(result.headers).send();
  }
  reply.status(result.statusCode);
  for (const [name, value] of Object.entries(result.headers)) if (value !== undefined) reply.header(name, value);
  reply.headers(options.headers);
  if (body !== undefined) return reply.send(body);
  // 304 has no body (its stream is empty).
  return result.statusCode === 304 ? reply.send() : reply.send(result.stream);
}
