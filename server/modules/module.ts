/**
 * The one shape of a domain module (see server/README.md).
 *
 * A module is one folder with one entry (`index.ts`) exporting a
 * `DomainModule`: it is created from its dependencies, named explicitly
 * (other modules' read APIs, never their tables), and declares in one place
 * its REST routes (a Fastify plugin mounted under /api/v1), its socket
 * handlers (a typed table) and its event subscriptions. `app.ts` loads the
 * modules in dependency order; the Socket.io server exists before the first
 * one, so nothing is wired lazily.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { DomainEvents } from '../events.ts';
import type { ClientToServerEvents } from '../contract/realtime.ts';
import type { AppServer, AppSocket } from '../realtime/socket-server.ts';
import type { SocketTable } from '../realtime/socket-table.ts';

/** What every module may use: the process's shared, cross-cutting pieces. */
export type ModuleContext = {
  config: Config;
  db: Db;
  events: DomainEvents;
  log: FastifyBaseLogger;
  /** the Socket.io server (rooms, namespaces); handlers go through the module's `sockets` table */
  io: AppServer;
  /** reads a Cookie header, for namespaces that authenticate by a cookie of their own */
  parseCookie(header: string): Record<string, string | undefined>;
};

export type UserSocketTable = SocketTable<ClientToServerEvents, AppSocket>;

export type DomainModule<Deps, Api> = {
  name: string;
  /** builds the module's service(s) from the context and the other modules' APIs it depends on */
  create(context: ModuleContext, deps: Deps): Api | Promise<Api>;
  /** REST routes, mounted under /api/v1 inside the session and origin checks */
  routes?(api: Api, context: ModuleContext, deps: Deps): FastifyPluginAsyncTypebox;
  /** socket handlers of users' sockets */
  sockets?(api: Api, context: ModuleContext, deps: Deps): UserSocketTable;
  /** per-connection set-up of users' sockets that is not a call (e.g. what a disconnect ends) */
  onConnection?(api: Api, socket: AppSocket, deps: Deps): void;
  /** what this module does when others' domain events happen, and which of its own reach sockets */
  subscribe?(api: Api, context: ModuleContext, deps: Deps): void;
  /** releases what `create` started (timers, workers, media) when the app closes */
  close?(api: Api): Promise<void> | void;
};

/** Identity at run time; it gives a module literal its type. */
export function defineModule<Deps, Api>(module: DomainModule<Deps, Api>): DomainModule<Deps, Api> {
  return module;
}
