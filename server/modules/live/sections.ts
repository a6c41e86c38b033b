/**
 * Reads the sections of a live meeting. Used inside the transaction of an
 * action (so an update matches the version it carries) and for full
 * snapshots. Live's own tables are read here; the meeting, its roster and
 * agenda come from the meetings module and names from the users module, in
 * the same transaction and in parallel where one does not need the other.
 */
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { AgendaProgress, AttendanceSummary, Presentation, SpeakerEntry } from '../../contract/live.ts';
import type { Executor } from '../../db/client.ts';
import { agendaItemRuns, attendance, meetingLiveState, speakerRequests } from '../../db/schema/live.ts';
import { bySeat } from '../meetings/index.ts';
import { byName } from '../users/index.ts';
import { countAttendance } from './quorum.ts';
import { MEMBER_ROLES, type LiveDeps } from './rules.ts';

export type AttendanceRow = typeof attendance.$inferSelect;

/** Attendance marks of a meeting; `only` narrows them to one person's mark or to the marks of one proxy. */
export function attendanceRows(db: Executor, meetingId: string, only: { userId?: string; proxyUserId?: string } = {}): Promise<AttendanceRow[]> {
  return db
    .select()
    .from(attendance)
    .where(
      and(
        eq(attendance.meetingId, meetingId),
        only.userId === undefined ? undefined : eq(attendance.userId, only.userId),
        only.proxyUserId === undefined ? undefined : and(eq(attendance.status, 'proxy'), eq(attendance.proxyUserId, only.proxyUserId)),
      ),
    );
}

export async function attendanceSection(db: Executor, deps: LiveDeps, meetingId: string): Promise<AttendanceSummary> {
  const [meeting, roster, marks] = await Promise.all([deps.meetings.byId(meetingId, db), deps.meetings.roster(meetingId, db), attendanceRows(db, meetingId)]);
  const members = roster.filter((p) => MEMBER_ROLES.has(p.role));
  const names = await deps.users.namesById(
    members.map((p) => p.userId),
    db,
  );
  const byUser = new Map(marks.map((m) => [m.userId, m]));
  const entries = members
    .flatMap((p) => {
      const name = names.get(p.userId);
      if (name === undefined) return [];
      const a = byUser.get(p.userId);
      return [{ userId: p.userId, fullName: name.fullName, role: p.role, seat: p.seat, status: a?.status ?? null, reason: a?.reason ?? null, proxyUserId: a?.proxyUserId ?? null }];
    })
    .sort((a, b) => bySeat(a.seat, b.seat) || byName(a.fullName, b.fullName));
  // The secretariat is listed (it may check in) but never counted: countAttendance decides who counts.
  const count = countAttendance(meeting!, entries);
  return {
    entries,
    present: count.present,
    represented: count.represented,
    proxiesCountForQuorum: meeting!.proxiesCountForQuorum,
    membershipTotal: meeting!.membershipTotal,
    quorumRequired: count.required,
    quorumMet: count.met,
  };
}

/**
 * Elapsed times count finished runs only; a run under way is given by its
 * start (openSince), and every screen adds the time since then itself. So a
 * section stays true while it sits in the owner's cache or in a tablet.
 */
export async function agendaSection(db: Executor, deps: LiveDeps, meetingId: string): Promise<AgendaProgress> {
  const [[state], items, runs] = await Promise.all([
    db.select().from(meetingLiveState).where(eq(meetingLiveState.meetingId, meetingId)),
    deps.meetings.agenda(meetingId, db),
    db.select().from(agendaItemRuns).where(eq(agendaItemRuns.meetingId, meetingId)),
  ]);
  return {
    currentItemId: state?.currentItemId ?? null,
    items: items.map((item) => {
      const mine = runs.filter((r) => r.itemId === item.id);
      const open = mine.find((r) => r.endedAt === null);
      const elapsedMs = mine.reduce((sum, r) => sum + (r.endedAt === null ? 0 : r.endedAt.getTime() - r.startedAt.getTime()), 0);
      return { itemId: item.id, title: item.title, position: item.position, plannedMinutes: item.plannedMinutes, elapsedMs, openSince: open?.startedAt.toISOString() ?? null };
    }),
  };
}

export async function presentationSection(db: Executor, meetingId: string): Promise<Presentation | null> {
  const [state] = await db.select().from(meetingLiveState).where(eq(meetingLiveState.meetingId, meetingId));
  if (state?.presentationDocumentId == null || state.presentationVersion == null || state.presentationPage == null || state.presenterUserId == null) return null;
  return {
    documentId: state.presentationDocumentId,
    version: state.presentationVersion,
    page: state.presentationPage,
    zoom: state.presentationZoom ?? 1,
    presenterUserId: state.presenterUserId,
  };
}

/** Speaking time likewise: what the timer had when it last stopped, plus (on screen) the time since it runs. */
export async function speakersSection(db: Executor, deps: LiveDeps, meetingId: string): Promise<SpeakerEntry[]> {
  const rows = await db
    .select()
    .from(speakerRequests)
    .where(and(eq(speakerRequests.meetingId, meetingId), inArray(speakerRequests.status, ['waiting', 'speaking']), isNull(speakerRequests.endedAt)))
    .orderBy(asc(speakerRequests.position));
  const names = await deps.users.namesById(
    rows.map((r) => r.userId),
    db,
  );
  return rows
    .flatMap((r) => {
      const name = names.get(r.userId);
      if (name === undefined) return [];
      return [
        {
          id: r.id,
          userId: r.userId,
          fullName: name.fullName,
          topic: r.topic,
          status: r.status as 'waiting' | 'speaking',
          position: r.position,
          requestedAt: r.requestedAt.toISOString(),
          timerMs: r.timerAccumulatedMs,
          timerRunningSince: r.timerStartedAt?.toISOString() ?? null,
        },
      ];
    })
    .sort((a, b) => (a.status === b.status ? a.position - b.position : a.status === 'speaking' ? -1 : 1));
}
