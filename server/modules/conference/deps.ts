/**
 * What the conference module needs of other modules: the narrow part of
 * their services it calls (never their tables), handed in by app.ts.
 */
import type { LiveService } from '../live/index.ts';
import type { MeetingService } from '../meetings/index.ts';
import type { UnitService } from '../units/index.ts';
import type { UserService } from '../users/index.ts';

export type { LiveService, MeetingService, UnitService, UserService };

export type ConferenceDeps = {
  /** access (the one meeting access check), headline and summaries (endpoint accounts are no participants), changeMeeting (the endpoints of a meeting) */
  meetings: Pick<MeetingService, 'access' | 'headline' | 'summariesByIds' | 'changeMeeting'>;
  users: Pick<UserService, 'namesById'>;
  units: Pick<UnitService, 'byIds'>;
  /** the agenda item open when a recording starts (later ones arrive as live.updated) */
  live: Pick<LiveService, 'snapshotForDisplay'>;
};
