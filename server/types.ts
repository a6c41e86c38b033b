/**
 * What the app decorates Fastify with. Declared once here so every module sees
 * the same types. Modules get their dependencies explicitly (server/modules/
 * module.ts); only the configuration and the request's session and locale are
 * reached through Fastify.
 */
import type { Config } from './config.ts';
import type { Locale } from './contract/identity.ts';
import type { ValidSession } from './modules/auth/service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
  interface FastifyRequest {
    /** the logged-in session, or null; set by the session plugin on every request */
    session: ValidSession | null;
    locale: Locale;
  }
}

export {};
