/**
 * Security headers on every response Fastify answers: the API, document
 * bytes, and the web app (whose raw responses SvelteKit writes after this
 * hook ran, so what is set here on `reply.raw` stays on them).
 *
 * helmet sets the standard set; its Content-Security-Policy is the API's
 * only (`default-src 'none'`: a JSON answer or a PDF needs nothing, and a
 * response opened directly as a page can run nothing). Pages get theirs from
 * SvelteKit (`kit.csp` in svelte.config.js, with a nonce for its bootstrap
 * script), so the web route opts out of this CSP (`pageRoute` below): two
 * CSPs would both be enforced, each blocking what the other allows.
 *
 * helmet is applied from one hook of ours, each set built once at start-up.
 * @fastify/helmet, used before, built helmet's middleware again for every
 * request (its CSP parsed anew each time): 3% of the app's CPU while a hall's
 * 200 tablets asked for their first document bytes (bench:documents).
 *
 * Choices:
 * - Referrer-Policy `same-origin`, not `no-referrer`: under `no-referrer` the
 *   browser sends `Origin: null` on same-origin POST/PUT/PATCH/DELETE (Fetch
 *   standard), and origin-check.ts refuses those as cross-site; `same-origin`
 *   keeps the Origin and Referer inside the site and sends neither the
 *   address (meeting and document ids) nor its query to any other site.
 * - X-Frame-Options DENY and `frame-ancestors 'none'` everywhere: nothing of
 *   this product is meant to be framed (clickjacking the vote button).
 * - Cross-Origin-Opener-Policy and Cross-Origin-Resource-Policy `same-origin`:
 *   no other site keeps a handle on our windows or embeds our bytes.
 * - Permissions-Policy: camera, microphone and screen sharing (conference)
 *   for this site only, never for a frame; the powerful features nobody here
 *   uses are switched off. Only features every current browser recognises,
 *   or the console fills with warnings.
 * - Strict-Transport-Security only when PUBLIC_URL is https: on a plain-http
 *   hall network it would do nothing, and promising https for a host that
 *   has none would lock people out. No includeSubDomains: other services of
 *   the province's domain are not ours to force.
 *
 * Socket.io's own HTTP answers (the polling transport) are written by
 * Socket.io on the raw server and do not pass through here; they carry JSON
 * text for the socket client only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

export const PERMISSIONS_POLICY = ['camera=(self)', 'microphone=(self)', 'display-capture=(self)', 'geolocation=()', 'payment=()', 'usb=()'].join(', ');

const API_CSP_DIRECTIVES = { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"], 'base-uri': ["'none'"], 'form-action': ["'none'"] };
/** The API's CSP as helmet writes it (directives joined by ";"). */
export const API_CSP = Object.entries(API_CSP_DIRECTIVES)
  .map(([name, values]) => `${name} ${values.join(' ')}`)
  .join(';');

declare module 'fastify' {
  interface FastifyContextConfig {
    /** true: the route answers with pages that carry their own CSP (SvelteKit's), so none is added here */
    pageCsp?: boolean;
  }
}

/** Route option for the web app's catch-all: SvelteKit owns the CSP of pages. */
export const pageRoute: Pick<RouteShorthandOptions, 'config'> = { config: { pageCsp: true } };

type Middleware = (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;

function headerSets(https: boolean): { api: Middleware; page: Middleware } {
  const common: HelmetOptions = {
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false, preload: false } : false,
    xFrameOptions: { action: 'deny' },
  };
  return {
    api: helmet({ ...common, contentSecurityPolicy: { useDefaults: false, directives: API_CSP_DIRECTIVES } }),
    page: helmet({ ...common, contentSecurityPolicy: false }),
  };
}

export const securityHeadersPlugin = fp(
  async (app: FastifyInstance) => {
    const sets = headerSets(app.config.publicUrl.protocol === 'https:');
    // On the raw response: the web route hijacks the reply, so reply.header() would be lost.
    app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => {
      const apply = request.routeOptions.config.pageCsp === true ? sets.page : sets.api;
      apply(request.raw, reply.raw, () => undefined);
      reply.raw.setHeader('permissions-policy', PERMISSIONS_POLICY);
      done();
    });
  },
  { name: 'security-headers' },
);
