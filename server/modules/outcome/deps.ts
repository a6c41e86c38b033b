/** The other modules' APIs the outcome module works through (their index.ts exports, passed to create). */
import type { MailService } from '../mail/index.ts';
import type { MeetingService } from '../meetings/index.ts';
import type { OfficialDocsService } from '../official-docs/index.ts';
import type { RecordService } from '../record/index.ts';
import type { SignatureService } from '../signatures/index.ts';
import type { UserService } from '../users/index.ts';

export type OutcomeDeps = {
  meetings: Pick<MeetingService, 'access' | 'roster'>;
  record: Pick<RecordService, 'approvedDocument'>;
  officialDocs: Pick<OfficialDocsService, 'issue' | 'issuedPdf' | 'forSigning' | 'storeSignature'>;
  signatures: SignatureService;
  mail: Pick<MailService, 'enqueue'>;
  users: Pick<UserService, 'get'>;
};
