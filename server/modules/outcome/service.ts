/**
 * The meeting's outcome, from an approved draft to the participants' inbox:
 * issue the approved minutes or notice (number from the register, PDF
 * stored), sign it in sequence (secretary, then chair; each signature an
 * incremental update over the last stored PDF), report its signatures, and
 * once every slot is signed deliver it: readable in the app by the
 * participants (official-docs shows a fully signed document to them) and
 * e-mailed with the signed PDF attached, queued after the signature commits.
 *
 * A signing attempt either stores a fully signed PDF or nothing: the signer,
 * the certificate checks, the remote service and the timestamp all run
 * before anything is written, and the passphrase lives only in this call.
 */
import { X509Certificate } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { SessionUser } from '../../contract/identity.ts';
import type { IssuedDocumentDto } from '../../contract/official-docs-api.ts';
import type { RecordDocumentKind } from '../../contract/record.ts';
import type { IssuedSignaturesEnvelope, RecordIssue } from '../../contract/signing.ts';
import { AppError } from '../../errors.ts';
import type { ErrorKey } from '../../i18n/messages.ts';
import type { MeetingAccess } from '../meetings/index.ts';
import { SignatureError, type Signer } from '../signatures/index.ts';
import type { OutcomeDeps } from './deps.ts';
import { signedDocumentMail } from './delivery.ts';
import { mayFill, roleOfSlot } from './signers.ts';

/** What a signing call brings: a keystore and its passphrase, or nothing when the remote service signs. */
export type SigningInput = { keystore?: Uint8Array; passphrase?: string };

/** Bad keystores and certificates are the caller's to fix (422); a remote service that fails is not (502/504). */
const SIGNATURE_STATUS: Partial<Record<ErrorKey, number>> = { signRemoteTimeout: 504, signRemoteUnavailable: 502, signRemoteRefused: 502, signTimestampFailed: 502 };

function commonName(der: Uint8Array): string {
  const subject = new X509Certificate(der).subject;
  return /(?:^|\n)CN=([^\n]+)/.exec(subject)?.[1] ?? subject.replace(/\n/g, ', ');
}

export class OutcomeService {
  readonly #deps: OutcomeDeps;
  readonly #log: FastifyBaseLogger;
  readonly #publicUrl: URL;

  constructor(deps: OutcomeDeps, log: FastifyBaseLogger, publicUrl: URL) {
    this.#deps = deps;
    this.#log = log;
    this.#publicUrl = publicUrl;
  }

  /** "Phát hành": the approved version, under the next number of the register. */
  async issue(user: SessionUser, meetingId: string, kind: RecordDocumentKind, input: RecordIssue): Promise<IssuedDocumentDto> {
    const access = await this.#deps.meetings.access(user, meetingId);
    if (!access.canManage) throw new AppError(403, 'forbidden');
    const approved = await this.#deps.record.approvedDocument(meetingId, kind);
    if (approved === null) throw new AppError(404, 'recordNotApproved');
    return this.#deps.officialDocs.issue(user, meetingId, { document: approved.content, issuerCode: input.issuerCode });
  }

  async #hasSecretary(meetingId: string): Promise<boolean> {
    return (await this.#deps.meetings.roster(meetingId)).some((p) => p.role === 'secretary');
  }

  /** The document's signature slots, and the verification report of the PDF as it stands. */
  async signatures(user: SessionUser, meetingId: string, issuedId: string): Promise<IssuedSignaturesEnvelope> {
    const access = await this.#deps.meetings.access(user, meetingId);
    const { document, pdf } = await this.#deps.officialDocs.issuedPdf(user, meetingId, issuedId);
    const { signatures } = await this.#deps.officialDocs.forSigning(meetingId, issuedId);
    const hasSecretary = await this.#hasSecretary(meetingId);
    const slots = document.signatureSlots.map((_slot, index) => {
      const role = roleOfSlot(index, document.signatureSlots);
      const signed = signatures.find((s) => s.slot === index);
      return {
        slot: index,
        role,
        signed: signed !== undefined,
        signerName: signed?.signerName ?? null,
        signedAt: signed?.signedAt.toISOString() ?? null,
        canSign: signed === undefined && index === signatures.length && mayFill(role, access, hasSecretary),
      };
    });
    return { document, slots, signatures: await this.#deps.signatures.report(pdf), remoteSigning: this.#deps.signatures.remote };
  }

  /** Whether the caller could sign anything in this meeting: checked before the upload is read, so a stranger's body is never parsed. */
  async assertMaySign(user: SessionUser, meetingId: string): Promise<MeetingAccess> {
    const access = await this.#deps.meetings.access(user, meetingId);
    if (!access.canManage && access.myRole !== 'chair' && access.myRole !== 'secretary') throw new AppError(403, 'forbidden');
    return access;
  }

  /** One signature in the next slot, by that slot's signer. */
  async sign(user: SessionUser, meetingId: string, issuedId: string, input: SigningInput): Promise<IssuedDocumentDto> {
    const access = await this.assertMaySign(user, meetingId);
    const { document, pdf, signatures } = await this.#deps.officialDocs.forSigning(meetingId, issuedId);
    const slots = document.signatureSlots;
    const next = signatures.length;
    if (next >= slots.length) throw new AppError(409, 'signatureAlreadyComplete');
    const hasSecretary = await this.#hasSecretary(meetingId);
    this.#assertSigner(access, hasSecretary, slots, next);

    const signer = await this.#signer(input);
    const slot = slots.find((s) => s.signer === next) ?? slots[next]!;
    const signed = await this.#guard(() =>
      this.#deps.signatures.sign(pdf, signer, { signerName: user.fullName }, {
        page: slot.page,
        rect: { x: slot.x, y: slot.y, width: slot.width, height: slot.height },
        reason: roleOfSlot(next, slots) === 'chair' ? 'Chủ trì cuộc họp ký' : 'Thư ký cuộc họp ký',
      }),
    );
    // The last signature delivers: the e-mails are queued in the signature's own transaction (recipients read before it).
    const recipients = next === slots.length - 1 ? await this.#recipients(meetingId) : [];
    const link = new URL(`/meetings/${meetingId}/record`, this.#publicUrl).href;
    const stored = await this.#deps.officialDocs.storeSignature(meetingId, issuedId, { slot: next, pdf: signed, signedBy: user.id, signerName: commonName(signer.certificate) }, async (tx, complete) => {
      for (const person of recipients) await this.#deps.mail.enqueue(signedDocumentMail(complete, meetingId, person, signed, link), tx);
    });
    this.#log.info({ meetingId, issuedId, slot: next, userId: user.id }, 'issued document signed');
    return stored;
  }

  /** The caller must be the next slot's signer; a later or earlier signer is told it is not their turn. */
  #assertSigner(access: MeetingAccess, hasSecretary: boolean, slots: IssuedDocumentDto['signatureSlots'], next: number): void {
    if (mayFill(roleOfSlot(next, slots), access, hasSecretary)) return;
    const own = slots.map((_s, index) => index).filter((index) => mayFill(roleOfSlot(index, slots), access, hasSecretary));
    if (own.some((index) => index > next)) throw new AppError(409, 'signatureOutOfOrder');
    if (own.some((index) => index < next)) throw new AppError(409, 'signatureSlotTaken');
    throw new AppError(403, 'signatureNotYourSlot');
  }

  async #signer(input: SigningInput): Promise<Signer> {
    if (input.keystore !== undefined && input.keystore.length > 0) {
      const { keystore } = input;
      return this.#guard(() => Promise.resolve(this.#deps.signatures.keystoreSigner(keystore, input.passphrase ?? '')));
    }
    const remote = this.#deps.signatures.remoteSigner();
    if (remote === null) throw new AppError(400, 'signKeystoreMissing', { field: 'keystore' });
    return this.#guard(() => remote);
  }

  /** A SignatureError becomes the caller's answer in their language; nothing was stored. */
  async #guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof SignatureError) throw new AppError(SIGNATURE_STATUS[error.key] ?? 422, error.key, { params: error.params });
      throw error;
    }
  }

  /** The participants an e-mail reaches: active, with an address. */
  async #recipients(meetingId: string): Promise<{ userId: string; fullName: string; email: string }[]> {
    const people: { userId: string; fullName: string; email: string }[] = [];
    for (const participant of await this.#deps.meetings.roster(meetingId)) {
      const person = await this.#deps.users.get(participant.userId);
      if (person.active && person.email !== null && person.email !== '') people.push({ userId: person.id, fullName: person.fullName, email: person.email });
    }
    return people;
  }
}
