/**
 * A signer from a PKCS#12 keystore (.p12/.pfx) and its passphrase, both given
 * for one signing and kept only in memory for it: neither is stored or
 * logged. node-forge reads the keystore (legacy 3DES/RC2 and the PBES2/AES
 * ones OpenSSL 3 writes); Node's crypto signs.
 */
import { createPrivateKey, sign as cryptoSign, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { assertCertificateCanSign } from './certificate-checks.ts';
import { SignatureError } from './errors.ts';
import type { SignatureAlgorithm, Signer } from './signer.ts';

function derOf(certificate: forge.pki.Certificate): Uint8Array {
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes(), 'binary');
}

function readKeystore(keystore: Uint8Array, passphrase: string): forge.pkcs12.Pkcs12Pfx {
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(keystore).toString('binary')), false);
  } catch (error) {
    throw new SignatureError('signKeystoreInvalid', {}, { cause: error });
  }
  try {
    return forge.pkcs12.pkcs12FromAsn1(asn1, false, passphrase);
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/MAC could not be verified/.test(message)) throw new SignatureError('signPassphraseWrong', {}, { cause: error });
    if (!/Failed to decrypt/.test(message)) throw new SignatureError('signKeystoreInvalid', {}, { cause: error });
    // The MAC (keyed from the passphrase as BMPString) held, or there is none, but the contents did not decrypt:
    // PBES2 (OpenSSL 3's default) derives its key from the passphrase's UTF-8 bytes, which forge only uses when
    // given them. The MAC, already checked, is left out of this second reading, which would key it wrongly.
    if (/[^ -~]/.test(passphrase) && Array.isArray(asn1.value)) {
      try {
        return forge.pkcs12.pkcs12FromAsn1({ ...asn1, value: asn1.value.slice(0, 2) }, false, forge.util.encodeUtf8(passphrase));
      } catch (retry) {
        throw new SignatureError('signPassphraseWrong', {}, { cause: retry });
      }
    }
    throw new SignatureError('signPassphraseWrong', {}, { cause: error });
  }
}

function privateKeyOf(pfx: forge.pkcs12.Pkcs12Pfx): forge.pki.PrivateKey | undefined {
  for (const type of [forge.pki.oids['pkcs8ShroudedKeyBag'], forge.pki.oids['keyBag']]) {
    if (!type) continue;
    const bags = pfx.getBags({ bagType: type })[type] ?? [];
    for (const bag of bags) if (bag.key) return bag.key;
  }
  return undefined;
}

function certificatesOf(pfx: forge.pkcs12.Pkcs12Pfx): forge.pki.Certificate[] {
  const type = forge.pki.oids['certBag'];
  if (!type) return [];
  const bags: forge.pkcs12.Bag[] = pfx.getBags({ bagType: type })[type] ?? [];
  return bags.flatMap((bag) => (bag.cert ? [bag.cert] : []));
}

/** forge decodes RSA keys only (an EC keystore is refused as holding no key); Node's crypto signs with it. */
function nodeKey(key: forge.pki.PrivateKey): KeyObject {
  const pem = forge.pki.privateKeyToPem(key);
  return createPrivateKey(pem);
}

export function pkcs12Signer(keystore: Uint8Array, passphrase: string, now: Date = new Date()): Signer {
  const pfx = readKeystore(keystore, passphrase);
  const forgeKey = privateKeyOf(pfx);
  if (!forgeKey) throw new SignatureError('signKeystoreNoKey');
  const key = nodeKey(forgeKey);
  const certificates = certificatesOf(pfx).map(derOf);
  const own = certificates.find((der) => new X509Certificate(der).checkPrivateKey(key));
  if (!own) throw new SignatureError('signKeystoreNoKey');
  assertCertificateCanSign(own, now);
  const keyType = key.asymmetricKeyType;
  let algorithm: SignatureAlgorithm;
  if (keyType === 'rsa') algorithm = 'rsa-sha256';
  else if (keyType === 'ec') algorithm = 'ecdsa-sha256';
  else throw new SignatureError('signKeyAlgorithmUnsupported');
  return {
    certificate: own,
    chain: certificates.filter((der) => der !== own),
    algorithm,
    sign: (data) => Promise.resolve(new Uint8Array(cryptoSign('sha256', data, key))),
  };
}
