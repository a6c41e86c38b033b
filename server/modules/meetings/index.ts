/**
 * The meetings module: meetings, their participants and agenda, and the
 * meeting life (draft → published → in session → closed). Owns the meetings,
 * meeting_participants and agenda_items tables; every other module asks it
 * who may see or run a meeting (access), who takes part (roster) and what is
 * on the agenda (agenda, agendaItem). Names and units come from the users and
 * units modules.
 */
import { defineModule } from '../module.ts';
import type { MeetingUsers } from './participants.ts';
import { meetingRoutes } from './routes.ts';
import { MeetingService, type MeetingUnits } from './service.ts';

export const meetingsModule = defineModule<{ users: MeetingUsers; units: MeetingUnits }, MeetingService>({
  name: 'meetings',
  create: ({ db, events }, deps) => new MeetingService(db, events, deps),
  routes: (service) => meetingRoutes(service),
});

export { MeetingService, type AgendaItemRow, type MeetingHeadline } from './service.ts';
export { accessFor, assertCanEdit, isSecretariat, loadAccess, managedByOffice, meetingsManagedByOffice, type MeetingAccess, type MeetingRow } from './access.ts';
export { bySeat, type ParticipantRow } from './participants.ts';
export { meetingInSession, takesPartAs } from './conditions.ts';
export type { ReportedMeeting } from './reporting.ts';
