/**
 * Who may read a document: whoever manages its meeting; otherwise a
 * participant of a published meeting, according to the document's audience
 * (everyone, delegates only, or named people), unless their access was
 * revoked. The same rule exists twice — in TypeScript for one document and in
 * SQL for search over many — and the integration tests hold both to it.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { SessionUser } from '../../contract/identity.ts';
import type { DocumentAudience } from '../../contract/documents.ts';
import type { ParticipantRole } from '../../contract/meetings.ts';
import { documents, meetings } from '../../db/schema/index.ts';
import type { MeetingAccess } from '../meetings/access.ts';
import { isSecretariat } from '../meetings/access.ts';

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

/** SQL condition over `documents` joined with `meetings`: the documents this user may read. */
export function readableDocumentsCondition(user: SessionUser): SQL {
  if (isSecretariat(user)) return sql`true`;
  return sql`exists (
    select 1 from meeting_participants p
    where p.meeting_id = ${documents.meetingId} and p.user_id = ${user.id}
      and (
        p.role = 'secretary'
        or (
          ${meetings.status} <> 'draft'
          and not exists (select 1 from document_revocations r where r.document_id = ${documents.id} and r.user_id = ${user.id})
          and (
            ${documents.audience} = 'all'
            or (${documents.audience} = 'delegates' and p.role in ('chair', 'secretary', 'delegate'))
            or (${documents.audience} = 'named' and exists (select 1 from document_readers d where d.document_id = ${documents.id} and d.user_id = ${user.id}))
          )
        )
      )
  )`;
}
