/**
 * Who may read a document: whoever manages its meeting; otherwise a
 * participant of a published meeting, according to the document's audience
 * (everyone, delegates only, or named people), unless their access was
 * revoked. The same rule exists twice — in TypeScript for one document and in
 * SQL for lists and search over many — and the integration tests hold both to
 * it. Who takes part in which meeting, in which role, is the meetings
 * module's to say; the SQL here reads only the documents tables.
 */
import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { DocumentAudience } from '../../contract/documents.ts';
import type { SessionUser } from '../../contract/identity.ts';
import type { MeetingStatus, ParticipantRole } from '../../contract/meetings.ts';
import { documentReaders, documentRevocations, documents } from '../../db/schema/documents.ts';
import { meetingsManagedByOffice, type MeetingAccess } from '../meetings/index.ts';

const VOTING_ROLES: ParticipantRole[] = ['chair', 'secretary', 'delegate'];

export function audienceAdmits(audience: DocumentAudience, role: ParticipantRole | null, isNamedReader: boolean): boolean {
  if (role === null) return false;
  if (audience === 'all') return true;
  if (audience === 'delegates') return VOTING_ROLES.includes(role);
  return isNamedReader;
}

export function canRead(access: MeetingAccess, audience: DocumentAudience, isNamedReader: boolean, revoked: boolean): boolean {
  if (access.canManage) return true;
  if (revoked || !access.canView) return false;
  return audienceAdmits(audience, access.myRole, isNamedReader);
}

/**
 * The meetings whose documents a user may read, by how far: every document
 * (`office`, a subquery of the meetings the secretariat manages by its unit,
 * and `manage`), documents for everyone and for delegates (`voting`),
 * documents for everyone only (`other`); named documents and revocations
 * apply to the last two.
 */
export type ReadScope = { office: SQL | null; manage: string[]; voting: string[]; other: string[] };

/** The scope within one meeting, from the user's access to it (which the caller has checked they have). */
export function scopeOf(access: MeetingAccess): ReadScope {
  const id = access.meeting.id;
  if (access.canManage) return { office: null, manage: [id], voting: [], other: [] };
  if (!access.canView || access.myRole === null) return { office: null, manage: [], voting: [], other: [] };
  return VOTING_ROLES.includes(access.myRole) ? { office: null, manage: [], voting: [id], other: [] } : { office: null, manage: [], voting: [], other: [id] };
}

/** The scope over every meeting: those the user manages by office (the meetings module's rule), and those they take part in. */
export function scopeOfParticipations(user: SessionUser, participations: { meetingId: string; role: ParticipantRole; status: MeetingStatus }[]): ReadScope {
  const scope: ReadScope = { office: meetingsManagedByOffice(user), manage: [], voting: [], other: [] };
  for (const p of participations) {
    if (p.role === 'secretary') scope.manage.push(p.meetingId);
    else if (p.status === 'draft') continue;
    else if (VOTING_ROLES.includes(p.role)) scope.voting.push(p.meetingId);
    else scope.other.push(p.meetingId);
  }
  return scope;
}

const inMeetings = (ids: string[]): SQL => (ids.length === 0 ? sql`false` : inArray(documents.meetingId, ids));

/** SQL condition over `documents`: the documents this user may read within this scope. */
export function readableCondition(userId: string, scope: ReadScope): SQL {
  const notRevoked = sql`not exists (select 1 from ${documentRevocations} where ${documentRevocations.documentId} = ${documents.id} and ${documentRevocations.userId} = ${userId})`;
  const named = sql`exists (select 1 from ${documentReaders} where ${documentReaders.documentId} = ${documents.id} and ${documentReaders.userId} = ${userId})`;
  return or(
    scope.office === null ? sql`false` : sql`${documents.meetingId} in (${scope.office})`,
    inMeetings(scope.manage),
    and(
      inMeetings([...scope.voting, ...scope.other]),
      notRevoked,
      or(eq(documents.audience, 'all'), and(eq(documents.audience, 'delegates'), inMeetings(scope.voting)), and(eq(documents.audience, 'named'), named)),
    ),
  )!;
}
