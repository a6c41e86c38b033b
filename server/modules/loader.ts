/**
 * Loads domain modules in the order app.ts lists them: creates each from its
 * dependencies, collects its routes for the /api/v1 scope, adds its socket
 * table to the router and runs its subscriptions. Closing runs in reverse
 * order, so a module closes before the modules it depends on.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ClientToServerEvents } from '../contract/realtime.ts';
import type { AppSocket } from '../realtime/socket-server.ts';
import type { SocketRouter } from '../realtime/socket-table.ts';
import type { DomainModule, ModuleContext } from './module.ts';

export class ModuleLoader {
  readonly #context: ModuleContext;
  readonly #router: SocketRouter<ClientToServerEvents, AppSocket>;
  readonly #routes: FastifyPluginAsyncTypebox[] = [];
  readonly #closers: (() => Promise<void> | void)[] = [];
  readonly #names = new Set<string>();

  constructor(context: ModuleContext, router: SocketRouter<ClientToServerEvents, AppSocket>) {
    this.#context = context;
    this.#router = router;
  }

  async load<Deps, Api>(module: DomainModule<Deps, Api>, deps: Deps): Promise<Api> {
    if (this.#names.has(module.name)) throw new Error(`module ${module.name} is loaded twice`);
    this.#names.add(module.name);
    const api = await module.create(this.#context, deps);
    if (module.close !== undefined) {
      const close = module.close;
      this.#closers.push(() => close(api));
    }
    if (module.routes !== undefined) this.#routes.push(module.routes(api, this.#context, deps));
    if (module.sockets !== undefined) this.#router.add(module.sockets(api, this.#context, deps));
    if (module.onConnection !== undefined) {
      const onConnection = module.onConnection;
      this.#router.onConnection((socket) => onConnection(api, socket, deps));
    }
    module.subscribe?.(api, this.#context, deps);
    return api;
  }

  /** Every loaded module's REST routes, in load order, for the /api/v1 scope. */
  get routes(): readonly FastifyPluginAsyncTypebox[] {
    return this.#routes;
  }

  async close(): Promise<void> {
    for (const close of this.#closers.reverse()) await close();
  }
}
