/**
 * The hall display module: pairing wall screens with a code the secretariat
 * confirms, what a paired screen may read, and its own Socket.io namespace
 * `/display`. Owns the displays table.
 */
import { defineModule } from '../module.ts';
import { attachDisplayNamespace } from './namespace.ts';
import { displayRoutes } from './routes.ts';
import { DisplayService, type DisplayDeps } from './service.ts';

export type DisplayModuleDeps = Omit<DisplayDeps, 'polls' | 'throttle'> & { votes: DisplayDeps['polls']; auth: { throttle: DisplayDeps['throttle'] } };

export const displayModule = defineModule<DisplayModuleDeps, DisplayService>({
  name: 'display',
  create: ({ db }, { live, votes, meetings, documents, users, auth }) =>
    new DisplayService(db, { live, polls: votes, meetings, documents, users, throttle: (limits) => auth.throttle(limits) }),
  routes: (service) => displayRoutes(service),
  subscribe: (service, context) => {
    attachDisplayNamespace(context, service);
  },
});

export { DisplayService } from './service.ts';
