/**
 * The hall display module: pairing wall screens with a code the secretariat
 * confirms, what a paired screen may read, and its own Socket.io namespace
 * `/display`. Owns the displays table.
 */
import type { DocumentService } from '../documents/service.ts';
import type { LiveService } from '../live/service.ts';
import type { MeetingService } from '../meetings/service.ts';
import { defineModule } from '../module.ts';
import type { VoteService } from '../votes/service.ts';
import { attachDisplayNamespace } from './namespace.ts';
import { displayRoutes } from './routes.ts';
import { DisplayService } from './service.ts';

export type DisplayModuleDeps = { live: LiveService; votes: VoteService; meetings: MeetingService; documents: DocumentService };

export const displayModule = defineModule<DisplayModuleDeps, DisplayService>({
  name: 'display',
  create: ({ db }, { live, votes, meetings, documents }) => new DisplayService(db, { live, polls: votes, meetings, documents }),
  routes: (service) => displayRoutes(service),
  subscribe: (service, context) => {
    attachDisplayNamespace(context, service);
  },
});

export { DisplayService } from './service.ts';
