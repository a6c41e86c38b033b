/**
 * Who signs which slot of an issued document. Minutes carry two slots, the
 * secretary's then the chair's; a one-slot document (the conclusion notice,
 * "TL. CHÁNH VĂN PHÒNG") is signed for the office by the secretary. The
 * meeting's secretary is its participant with that role; a meeting without
 * one is kept by its secretariat, whose members then sign in that place.
 */
import type { SignatureSlot } from '../../contract/official-documents.ts';
import type { SIGNER_ROLES } from '../../contract/signing.ts';
import type { MeetingAccess } from '../meetings/index.ts';

export type SignerRole = (typeof SIGNER_ROLES)[number];

export function roleOfSlot(slot: number, slots: readonly SignatureSlot[]): SignerRole {
  return slots.length > 1 && slot === slots.length - 1 ? 'chair' : 'secretary';
}

export function mayFill(role: SignerRole, access: MeetingAccess, meetingHasSecretary: boolean): boolean {
  if (role === 'chair') return access.myRole === 'chair';
  if (access.myRole === 'secretary') return true;
  return !meetingHasSecretary && access.canManage && access.myRole !== 'chair';
}
