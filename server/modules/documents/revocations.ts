/**
 * Revoking one reader's access to one document (and giving it back): the row
 * is written in the meeting's transaction, and the reader's open viewers are
 * told at once through `document.revoked` instead of at their next request.
 */
import { and, eq } from 'drizzle-orm';
import { documentRevocations } from '../../db/schema/documents.ts';
import { violatedForeignKey } from '../../db/errors.ts';
import { AppError } from '../../errors.ts';
import type { DomainEvents } from '../../events.ts';
import type { DocumentMeetings } from './service.ts';

export async function revokeReader(
  meetings: DocumentMeetings,
  events: DomainEvents,
  change: { meetingId: string; documentId: string; userId: string; revokedBy: string },
): Promise<void> {
  const { meetingId, documentId, userId, revokedBy } = change;
  await meetings
    .changeMeeting(meetingId, 'documents', (tx) => tx.insert(documentRevocations).values({ documentId, userId, revokedBy }).onConflictDoNothing())
    .catch((error: unknown) => {
      // An id that names nobody: the caller's mistake, not the server's.
      if (violatedForeignKey(error)) throw new AppError(400, 'userNotFound', { field: 'userId' });
      throw error;
    });
  events.emit('document.revoked', { documentId, userId: userId.toLowerCase() });
}

export async function restoreReader(meetings: DocumentMeetings, change: { meetingId: string; documentId: string; userId: string }): Promise<void> {
  const { meetingId, documentId, userId } = change;
  await meetings.changeMeeting(meetingId, 'documents', (tx) =>
    tx.delete(documentRevocations).where(and(eq(documentRevocations.documentId, documentId), eq(documentRevocations.userId, userId))),
  );
}
