/**
 * Gathers the meeting's record from the modules that hold it, each through
 * its index API: the meeting, roster and agenda (meetings), attendance by
 * live's quorum definition and the item runs and speeches (live), the polls
 * with their results (votes), document titles (documents), names and units
 * (users, units); and this module's own notes, conclusions and tasks.
 */
import type { SessionUser } from '../../contract/identity.ts';
import type { IssuerKind } from '../../contract/official-documents.ts';
import type { MeetingAccess } from '../meetings/index.ts';
import { countAttendance, isVotingMember } from '../live/index.ts';
import { isoDay, type Person, type RecordFacts } from './facts.ts';
import type { RecordDeps } from './deps.ts';

/** Party committees (Ban Chấp hành, Ban Thường vụ) issue as Party bodies; the rest as state bodies. */
const issuerKindOf = (kind: string): IssuerKind => (kind === 'bch' || kind === 'btv' ? 'party' : 'state');

export type OwnRecord = {
  notes: Map<string, { note: string; concluded: boolean; conclusion: string }>;
  tasks: { itemId: string; unitId: string; description: string; dueDate: string }[];
};

export async function gatherFacts(deps: RecordDeps, user: SessionUser, access: MeetingAccess, own: OwnRecord, now: Date = new Date()): Promise<RecordFacts> {
  const meeting = access.meeting;
  const [roster, agenda, snapshot, liveRecord, polls, documents] = await Promise.all([
    deps.meetings.roster(meeting.id),
    deps.meetings.agenda(meeting.id),
    deps.live.snapshot(user, meeting.id),
    deps.live.recordOf(meeting.id),
    deps.votes.listForRecord(meeting.id),
    deps.documents.list(user, meeting.id),
  ]);
  const userIds = [...roster.map((p) => p.userId), ...liveRecord.speeches.map((s) => s.userId), ...agenda.flatMap((i) => (i.presenterUserId === null ? [] : [i.presenterUserId]))];
  const names = await deps.users.namesById(userIds);
  const unitIds = [meeting.organizerUnitId, ...[...names.values()].map((n) => n.unitId), ...own.tasks.map((t) => t.unitId)];
  const organiser = await deps.units.byIds([meeting.organizerUnitId]);
  const parentId = organiser.get(meeting.organizerUnitId)?.parentId ?? null;
  const units = await deps.units.byIds(parentId === null ? unitIds : [...unitIds, parentId]);
  const person = (userId: string): Person => {
    const n = names.get(userId);
    return { name: n?.fullName ?? '—', title: n?.title ?? null, unit: n === undefined ? '' : (units.get(n.unitId)?.name ?? '') };
  };
  const byRole = (role: string) => roster.find((p) => p.role === role);
  const chair = byRole('chair');
  const secretary = byRole('secretary');

  // Attendance: the live snapshot's marks, counted by live's one quorum definition.
  const entries = snapshot.attendance.entries;
  const count = countAttendance(meeting, entries);
  const voting = entries.filter((e) => isVotingMember(e.role));
  const attendance: RecordFacts['attendance'] = {
    membershipTotal: meeting.membershipTotal,
    quorumRequired: count.required,
    quorumMet: count.met,
    inPerson: count.inPerson,
    represented: count.represented,
    present: count.present,
    proxiesCountForQuorum: meeting.proxiesCountForQuorum,
    attendees: voting.filter((e) => e.status === 'present').map((e) => person(e.userId)),
    absent: voting.filter((e) => e.status === 'absent').map((e) => ({ person: person(e.userId), reason: e.reason })),
    proxies: voting.filter((e) => e.status === 'proxy').map((e) => ({ person: person(e.userId), holder: e.proxyUserId === null ? '—' : person(e.proxyUserId).name })),
    unmarked: voting.filter((e) => e.status === null).map((e) => person(e.userId)),
  };

  const items = agenda.map((item) => {
    const note = own.notes.get(item.id);
    return {
      itemId: item.id,
      position: item.position,
      title: item.title,
      presenter: item.presenterUserId !== null ? person(item.presenterUserId).name : item.presenterName,
      runs: liveRecord.runs.filter((r) => r.itemId === item.id).map((r) => ({ startedAt: r.startedAt, endedAt: r.endedAt })),
      documents: documents.filter((d) => d.agendaItemId === item.id).map((d) => d.title),
      speeches: liveRecord.speeches.filter((s) => s.itemId === item.id).map((s) => ({ person: person(s.userId), topic: s.topic, spokenMs: s.spokenMs })),
      polls: polls.filter((p) => p.agendaItemId === item.id),
      note: note?.note ?? '',
      concluded: note?.concluded ?? false,
      conclusion: note?.conclusion ?? '',
      tasks: own.tasks.filter((t) => t.itemId === item.id).map((t) => ({ unit: units.get(t.unitId)?.name ?? '', description: t.description, dueDate: t.dueDate })),
    };
  });
  const itemIds = new Set(agenda.map((i) => i.id));
  return {
    meeting: { title: meeting.title, startsAt: meeting.startsAt, endsAt: meeting.endsAt, location: meeting.location, status: meeting.status },
    issuer: {
      kind: issuerKindOf(meeting.kind),
      name: units.get(meeting.organizerUnitId)?.name ?? '',
      parentName: parentId === null ? '' : (units.get(parentId)?.name ?? ''),
    },
    chair: chair === undefined ? null : person(chair.userId),
    secretary: secretary === undefined ? null : person(secretary.userId),
    attendance,
    items,
    otherPolls: polls.filter((p) => p.agendaItemId === null || !itemIds.has(p.agendaItemId)),
    date: isoDay(meeting.endsAt ?? now),
  };
}
