/**
 * What signing needs from a key holder, whether the key sits in a PKCS#12
 * file given for this one signing or behind a remote (CSC) service: the
 * certificate (and its chain) to put in the CMS, and a way to sign the DER of
 * the signed attributes. The PDF and CMS code never sees the key itself.
 */
export type SignatureAlgorithm = 'rsa-sha256' | 'ecdsa-sha256';

export interface Signer {
  /** The signer's certificate, DER. */
  readonly certificate: Uint8Array;
  /** Issuers up to (and possibly including) the root, DER; may be empty. */
  readonly chain: readonly Uint8Array[];
  readonly algorithm: SignatureAlgorithm;
  /** Signs `data` (the DER of the CMS signed attributes) with SHA-256; returns the raw signature value. */
  sign(data: Uint8Array): Promise<Uint8Array>;
}
