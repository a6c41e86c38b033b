/**
 * The organising unit's figures for a period: counted from the other modules'
 * read APIs (meetings, documents, live attendance, names and units), never
 * from their tables. A secretary's report covers the meetings their office
 * manages; an admin's, every meeting.
 */
import type { SessionUser } from '../../contract/identity.ts';
import type { ReportQuery, ReportSummary, UnitAttendance } from '../../contract/reports.ts';
import type { DocumentService } from '../documents/index.ts';
import { isVotingMember, type LiveService } from '../live/index.ts';
import type { MeetingService, ReportedMeeting } from '../meetings/index.ts';
import type { UnitService } from '../units/index.ts';
import type { UserService } from '../users/index.ts';
import { monthsOf, reportPeriod, vietnamDay } from './period.ts';

export type ReportDeps = {
  meetings: Pick<MeetingService, 'forReport'>;
  documents: Pick<DocumentService, 'figuresFor'>;
  live: Pick<LiveService, 'attendanceForReport'>;
  users: Pick<UserService, 'namesById'>;
  units: Pick<UnitService, 'byIds'>;
};

const percent = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((1000 * part) / whole) / 10);

export class ReportService {
  readonly #deps: ReportDeps;

  constructor(deps: ReportDeps) {
    this.#deps = deps;
  }

  async summary(user: SessionUser, query: ReportQuery, now: Date = new Date()): Promise<ReportSummary> {
    const period = reportPeriod(query, now);
    const reported = await this.#deps.meetings.forReport(user, { from: period.start, until: period.until, ...(query.unitId === undefined ? {} : { unitId: query.unitId }) });
    const held = reported.filter((meeting) => meeting.status === 'closed');
    const documents = await this.#deps.documents.figuresFor(reported);

    const byKind = new Map<string, number>();
    for (const meeting of held) byKind.set(meeting.kind, (byKind.get(meeting.kind) ?? 0) + 1);
    const byMonth = new Map(monthsOf(period).map((month) => [month, { month, held: 0, documents: 0 }]));
    for (const meeting of reported) {
      const month = byMonth.get(vietnamDay(meeting.startsAt).slice(0, 7));
      if (month === undefined) continue;
      if (meeting.status === 'closed') month.held += 1;
      month.documents += documents.byMeeting.get(meeting.id) ?? 0;
    }

    return {
      from: period.from,
      to: period.to,
      unitId: query.unitId ?? null,
      meetings: { held: held.length, upcoming: reported.length - held.length, byKind: [...byKind].map(([kind, count]) => ({ kind, held: count })) },
      documents: { online: documents.online, pages: documents.pages, pagesDelivered: documents.pagesDelivered },
      byMonth: [...byMonth.values()],
      attendance: await this.#attendance(held),
    };
  }

  /** Voting members of the meetings held, by the unit they belong to, as they were marked. */
  async #attendance(held: ReportedMeeting[]): Promise<UnitAttendance[]> {
    const marks = await this.#deps.live.attendanceForReport(held.map((meeting) => meeting.id));
    const statusOf = new Map(marks.map((mark) => [`${mark.meetingId}:${mark.userId}`, mark.status]));
    const expected = held.flatMap((meeting) => meeting.participants.filter((p) => isVotingMember(p.role)).map((p) => ({ meetingId: meeting.id, userId: p.userId })));
    const people = await this.#deps.users.namesById(expected.map((entry) => entry.userId));
    const rows = new Map<string, Omit<UnitAttendance, 'unitName' | 'presentPercent'>>();
    for (const { meetingId, userId } of expected) {
      const unitId = people.get(userId)?.unitId;
      if (unitId === undefined) continue;
      const row = rows.get(unitId) ?? { unitId, expected: 0, present: 0, absent: 0, represented: 0, unmarked: 0 };
      row.expected += 1;
      const status = statusOf.get(`${meetingId}:${userId}`);
      if (status === 'present') row.present += 1;
      else if (status === 'absent') row.absent += 1;
      else if (status === 'proxy') row.represented += 1;
      else row.unmarked += 1;
      rows.set(unitId, row);
    }
    const units = await this.#deps.units.byIds([...rows.keys()]);
    return [...rows.values()]
      .map((row) => ({ ...row, unitName: units.get(row.unitId)?.name ?? '', presentPercent: percent(row.present, row.expected) }))
      .sort((a, b) => b.expected - a.expected || a.unitName.localeCompare(b.unitName, 'vi'));
  }
}
