/**
 * Sends a stored file with @fastify/send (ETag revalidation, and ranges, so
 * pdf.js can open page 1 without the whole file): its status and headers,
 * then the route's own headers, then the stream. Fastify sends the stream as
 * it is (the route's response schema only declares it).
 */
import send from '@fastify/send';
import type { FastifyReply, FastifyRequest } from 'fastify';

export type SendFileOptions = {
  /** ranges asked for: a range outside the file is answered 416 with the real length (RFC 9110), not "not found" */
  ranges: boolean;
  /** set after send's own (content type, disposition, caching) */
  headers: Record<string, string>;
  /** bytes per read from disk (default: @fastify/send's 64 KiB) */
  highWaterMark?: number;
  /** what a missing file is to the caller */
  notFound: () => Error;
};

export async function sendFile(request: FastifyRequest, reply: FastifyReply, path: string, options: SendFileOptions): Promise<FastifyReply> {
  const result = await send(request.raw, path, { ...(options.ranges ? { acceptRanges: true } : {}), ...(options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark }), etag: true, lastModified: false, cacheControl: false });
  if (result.type === 'error') {
    if (!options.ranges || result.statusCode !== 416) throw options.notFound();
    return reply.status(416).headers(result.headers).send();
  }
  reply.status(result.statusCode);
  for (const [name, value] of Object.entries(result.headers)) if (value !== undefined) reply.header(name, value);
  return reply.headers(options.headers).send(result.stream);
}
