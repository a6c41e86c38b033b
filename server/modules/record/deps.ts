/** The other modules' APIs the record reads through (their index.ts exports, passed to create). */
import type { DocumentService } from '../documents/index.ts';
import type { LiveService } from '../live/index.ts';
import type { MeetingService } from '../meetings/index.ts';
import type { UnitService } from '../units/index.ts';
import type { UserService } from '../users/index.ts';
import type { VoteService } from '../votes/index.ts';

export type RecordDeps = {
  meetings: Pick<MeetingService, 'access' | 'roster' | 'agenda' | 'agendaItem'>;
  live: Pick<LiveService, 'snapshot' | 'recordOf'>;
  votes: Pick<VoteService, 'listForRecord'>;
  documents: Pick<DocumentService, 'list'>;
  users: Pick<UserService, 'namesById'>;
  units: Pick<UnitService, 'byIds' | 'list'>;
};
