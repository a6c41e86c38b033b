/**
 * signPdf: one PAdES signature (ETSI.CAdES.detached) appended to a PDF as an
 * incremental update. Everything that can fail (the signer's certificate, the
 * remote service, the timestamp authority) fails before a result exists, so a
 * caller stores either a fully signed PDF or nothing.
 */
import { createHash } from 'node:crypto';
import { buildAppearance, type Rect, type SignatureAppearance } from './appearance.ts';
import { buildCadesSignature } from './cms.ts';
import { SignatureError } from './errors.ts';
import { addSignatureField } from './pdf-incremental.ts';
import type { Signer } from './signer.ts';
import type { TimestampAuthority } from './timestamp.ts';

export type SignOptions = {
  /** 0-based page index of the visible signature (a renderer's SignatureSlot.page). */
  page: number;
  /** PDF points, origin bottom-left (a renderer's SignatureSlot). */
  rect: Rect;
  reason?: string;
  /** When set, the signature carries an RFC 3161 timestamp from it (PAdES-B-T). */
  timestampAuthority?: TimestampAuthority;
  /** The time written in the signature and the appearance; now by default. */
  signingTime?: Date;
};

/** Room for the CMS: certificates, signature and a timestamp token with its own certificates. */
const CONTENTS_BYTES = 32_768;

export async function signPdf(pdf: Uint8Array, signer: Signer, appearance: SignatureAppearance, options: SignOptions): Promise<Uint8Array> {
  const signingTime = options.signingTime ?? new Date();
  const placeholder = await addSignatureField(pdf, {
    page: options.page,
    rect: options.rect,
    signerName: appearance.signerName,
    ...(options.reason === undefined ? {} : { reason: options.reason }),
    signingTime,
    contentsBytes: CONTENTS_BYTES,
    buildAppearance: (doc) => buildAppearance(doc, options.rect, appearance, signingTime),
  });
  const { bytes, byteRange } = placeholder;
  const digest = createHash('sha256')
    .update(bytes.subarray(byteRange[0], byteRange[0] + byteRange[1]))
    .update(bytes.subarray(byteRange[2], byteRange[2] + byteRange[3]))
    .digest();
  const cms = await buildCadesSignature(new Uint8Array(digest), signer, options.timestampAuthority);
  const hex = Buffer.from(cms).toString('hex').toUpperCase();
  if (hex.length > placeholder.contentsHexLength) throw new SignatureError('signPdfUnsupported', { reason: 'signature larger than the room reserved for it' });
  bytes.set(new TextEncoder().encode(hex), placeholder.contentsHexStart);
  return bytes;
}
