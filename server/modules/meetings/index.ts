/**
 * The meetings module: meetings, their participants and agenda, and the
 * meeting life (draft → published → in session → closed). Owns the meetings,
 * meeting_participants and agenda_items tables; every other module asks it
 * who may see or run a meeting (access) and who takes part (roster).
 */
import { defineModule } from '../module.ts';
import { meetingRoutes } from './routes.ts';
import { MeetingService } from './service.ts';

export const meetingsModule = defineModule<Record<string, never>, MeetingService>({
  name: 'meetings',
  create: ({ db, events }) => new MeetingService(db, events),
  routes: (service) => meetingRoutes(service),
});

export { MeetingService } from './service.ts';
export { assertCanEdit, isSecretariat, type MeetingAccess } from './access.ts';
