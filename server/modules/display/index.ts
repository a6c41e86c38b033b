/**
 * The hall display module: pairing wall screens with a code the secretariat
 * confirms, what a paired screen may read, and its own Socket.io namespace
 * `/display`. Owns the displays table; asks live, votes, meetings, documents,
 * users and the conference (its points) for what it shows, and auth for a throttle on code guesses.
 */
import { defineModule } from '../module.ts';
import { attachDisplayNamespace } from './namespace.ts';
import { displayRoutes } from './routes.ts';
import { DisplayScreens } from './screens.ts';
import { DisplayService, type DisplayDeps, type WallViewers } from './service.ts';

export type DisplayModuleDeps = Omit<DisplayDeps, 'polls' | 'throttle'> & { votes: DisplayDeps['polls']; auth: { throttle: DisplayDeps['throttle'] } };

/** The screens' side (pairing codes, what a paired screen reads) and the secretariat's (confirm, move, unpair). */
export type DisplayModule = { screens: DisplayScreens; service: DisplayService; viewers: WallViewers };

export const displayModule = defineModule<DisplayModuleDeps, DisplayModule>({
  name: 'display',
  create: ({ db }, { live, votes, meetings, documents, users, auth, conference }) => ({
    screens: new DisplayScreens(db, { live, polls: votes, meetings, documents, users, conference }),
    service: new DisplayService(db, { meetings, users, throttle: (limits) => auth.throttle(limits) }),
    viewers: conference.displayViewers,
  }),
  routes: (display) => displayRoutes(display),
  subscribe: (display, context) => {
    attachDisplayNamespace(context, display);
  },
});

export { DisplayService } from './service.ts';
