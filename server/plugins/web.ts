/**
 * Serves the built SvelteKit app (adapter-node's handler) from the same
 * Fastify process as the API. Fastify hands the raw request over untouched
 * (no body parsing), so SvelteKit sees exactly what the browser sent.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { pageRoute } from './security-headers.ts';

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

const NOT_BUILT_PAGE = `<!doctype html><html lang="vi"><meta charset="utf-8"><title>Phòng Họp Số</title>
<body style="font-family:sans-serif;max-width:40rem;margin:4rem auto">
<h1>Giao diện chưa được dựng</h1><p>Chạy <code>npm start</code> (hoặc <code>npm run build</code>) để dựng giao diện web.</p>
<p lang="en">The web app has not been built: run <code>npm start</code> or <code>npm run build</code>.</p></body></html>`;

export async function webPlugin(app: FastifyInstance, options: { buildDir: string }): Promise<void> {
  const handlerFile = path.join(options.buildDir, 'handler.js');
  let handler: NodeHandler | undefined;
  if (existsSync(handlerFile)) {
    handler = ((await import(pathToFileURL(handlerFile).href)) as { handler: NodeHandler }).handler;
  } else {
    app.log.warn({ handlerFile }, 'web app not built; serving a placeholder page');
  }

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    url: '/*',
    // Pages carry SvelteKit's CSP (kit.csp); the other security headers come from security-headers.ts.
    ...pageRoute,
    handler: (request, reply) => {
      if (handler === undefined) {
        return reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
      }
      reply.hijack();
      handler(request.raw, reply.raw, () => {
        reply.raw.statusCode = 404;
        reply.raw.setHeader('content-type', 'text/plain; charset=utf-8');
        reply.raw.end('Không tìm thấy / Not found');
      });
    },
  });
}
