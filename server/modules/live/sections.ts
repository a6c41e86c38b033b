/**
 * Reads the sections of a live meeting from the database. Used inside the
 * transaction of an action (so an update matches the version it carries) and
 * for full snapshots.
 */
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { AgendaProgress, AttendanceSummary, Presentation, SpeakerEntry } from '../../contract/live.ts';
import type { Db } from '../../db/client.ts';
import { agendaItemRuns, agendaItems, attendance, meetingLiveState, meetingParticipants, meetings, speakerRequests, users } from '../../db/schema/index.ts';

type Reader = Pick<Db, 'select'>;

export function quorumRequired(membershipTotal: number, numerator: number, denominator: number): number {
  return Math.ceil((membershipTotal * numerator) / denominator);
}

export async function attendanceSection(db: Reader, meetingId: string): Promise<AttendanceSummary> {
  const [meeting] = await db.select().from(meetings).where(eq(meetings.id, meetingId));
  const rows = await db
    .select({ p: meetingParticipants, fullName: users.fullName, a: attendance })
    .from(meetingParticipants)
    .innerJoin(users, eq(users.id, meetingParticipants.userId))
    .leftJoin(attendance, and(eq(attendance.meetingId, meetingParticipants.meetingId), eq(attendance.userId, meetingParticipants.userId)))
    .where(and(eq(meetingParticipants.meetingId, meetingId), inArray(meetingParticipants.role, ['chair', 'secretary', 'delegate'])))
    .orderBy(asc(meetingParticipants.seat), asc(users.fullNameSearch));
  const entries = rows.map((r) => ({
    userId: r.p.userId,
    fullName: r.fullName,
    role: r.p.role,
    seat: r.p.seat,
    status: r.a?.status ?? null,
    reason: r.a?.reason ?? null,
    proxyUserId: r.a?.proxyUserId ?? null,
  }));
  const present = entries.filter((e) => e.status === 'present' || e.status === 'proxy').length;
  const required = quorumRequired(meeting!.membershipTotal, meeting!.quorumNumerator, meeting!.quorumDenominator);
  return { entries, present, membershipTotal: meeting!.membershipTotal, quorumRequired: required, quorumMet: present >= required };
}

/**
 * Elapsed times count finished runs only; a run under way is given by its
 * start (openSince), and every screen adds the time since then itself. So a
 * section stays true while it sits in the owner's cache or in a tablet.
 */
export async function agendaSection(db: Reader, meetingId: string): Promise<AgendaProgress> {
  const [state] = await db.select().from(meetingLiveState).where(eq(meetingLiveState.meetingId, meetingId));
  const items = await db.select().from(agendaItems).where(eq(agendaItems.meetingId, meetingId)).orderBy(asc(agendaItems.position));
  const runs = await db.select().from(agendaItemRuns).where(eq(agendaItemRuns.meetingId, meetingId));
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

export async function presentationSection(db: Reader, meetingId: string): Promise<Presentation | null> {
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
export async function speakersSection(db: Reader, meetingId: string): Promise<SpeakerEntry[]> {
  const rows = await db
    .select({ r: speakerRequests, fullName: users.fullName })
    .from(speakerRequests)
    .innerJoin(users, eq(users.id, speakerRequests.userId))
    .where(and(eq(speakerRequests.meetingId, meetingId), inArray(speakerRequests.status, ['waiting', 'speaking']), isNull(speakerRequests.endedAt)))
    .orderBy(asc(speakerRequests.position));
  return rows
    .map(({ r, fullName }) => ({
      id: r.id,
      userId: r.userId,
      fullName,
      topic: r.topic,
      status: r.status as 'waiting' | 'speaking',
      position: r.position,
      requestedAt: r.requestedAt.toISOString(),
      timerMs: r.timerAccumulatedMs,
      timerRunningSince: r.timerStartedAt?.toISOString() ?? null,
    }))
    .sort((a, b) => (a.status === b.status ? a.position - b.position : a.status === 'speaking' ? -1 : 1));
}
