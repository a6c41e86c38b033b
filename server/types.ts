/**
 * What the app decorates Fastify with. Declared once here so every module sees
 * the same types.
 */
import type { Config } from './config.ts';
import type { Database } from './db/client.ts';
import type { DomainEvents } from './events.ts';
import type { Locale } from './contract/identity.ts';
import type { AuthService, ValidSession } from './modules/auth/service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    database: Database;
    events: DomainEvents;
    auth: AuthService;
  }
  interface FastifyRequest {
    /** the logged-in session, or null; set by the session plugin on every request */
    session: ValidSession | null;
    locale: Locale;
  }
}

export {};
