/**
 * The meeting's record as plain facts, gathered from the other modules' read
 * APIs (gather.ts) and turned into documents by pure builders (minutes.ts,
 * notice.ts), so the builders are tested without a server.
 */
import type { IssuerKind } from '../../contract/official-documents.ts';
import type { PollDto } from '../../contract/votes.ts';

export type Person = { name: string; title: string | null; unit: string };

export type RecordFacts = {
  meeting: { title: string; startsAt: Date; endsAt: Date | null; location: string | null; status: string };
  issuer: { kind: IssuerKind; name: string; parentName: string };
  chair: Person | null;
  secretary: Person | null;
  attendance: {
    membershipTotal: number;
    quorumRequired: number;
    quorumMet: boolean;
    /** voting members in the hall */
    inPerson: number;
    /** voting members represented by a proxy */
    represented: number;
    /** counted toward the quorum (live's definition) */
    present: number;
    proxiesCountForQuorum: boolean;
    /** voting members marked present in the hall (the attendance report lists them) */
    attendees: Person[];
    absent: { person: Person; reason: string | null }[];
    proxies: { person: Person; holder: string }[];
    /** voting members with no mark at all */
    unmarked: Person[];
  };
  items: {
    itemId: string;
    position: number;
    title: string;
    presenter: string | null;
    runs: { startedAt: Date; endedAt: Date | null }[];
    documents: string[];
    speeches: { person: Person; topic: string | null; spokenMs: number }[];
    polls: PollDto[];
    note: string;
    concluded: boolean;
    conclusion: string;
    tasks: { unit: string; description: string; dueDate: string }[];
  }[];
  /** polls not attached to an agenda item */
  otherPolls: PollDto[];
  /** the date the document carries (YYYY-MM-DD, Vietnam time) */
  date: string;
};

const VN_OFFSET_MS = 7 * 60 * 60 * 1000;
/** Wall-clock in Vietnam (UTC+7, no daylight saving): the minutes state local times. */
const vn = (at: Date) => new Date(at.getTime() + VN_OFFSET_MS);
const two = (n: number) => String(n).padStart(2, '0');
export const clock = (at: Date) => `${two(vn(at).getUTCHours())} giờ ${two(vn(at).getUTCMinutes())}`;
export const dayText = (at: Date) => `ngày ${two(vn(at).getUTCDate())} tháng ${two(vn(at).getUTCMonth() + 1)} năm ${vn(at).getUTCFullYear()}`;
export const isoDay = (at: Date) => vn(at).toISOString().slice(0, 10);
export const minutesText = (ms: number) => {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} phút ${two(seconds % 60)} giây`;
};
/** One decimal, Vietnamese decimal comma: 66,7%. */
export const percentText = (value: number) => `${value.toFixed(1).replace('.', ',')}%`;
export const ratio = (part: number, whole: number) => (whole === 0 ? 0 : (part * 100) / whole);
export const personText = (p: Person) => [p.title, p.name].filter((x) => x !== null && x !== '').join(' ') + (p.unit === '' ? '' : ` (${p.unit})`);
