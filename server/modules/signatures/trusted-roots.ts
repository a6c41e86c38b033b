/**
 * The roots of trust verification checks chains against: added by the admin
 * as PEM, kept as DER, listed and removed. Only CA certificates are taken, so
 * a leaf certificate cannot be made "trusted" by mistake.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { SessionUser } from '../../contract/identity.ts';
import type { TrustedRootDto } from '../../contract/signing.ts';
import type { Db } from '../../db/client.ts';
import { trustedRoots } from '../../db/schema/signatures.ts';
import { AppError } from '../../errors.ts';

type Row = typeof trustedRoots.$inferSelect;

const toDto = (row: Row): TrustedRootDto => ({ id: row.id, subject: row.subject, fingerprint: row.fingerprint, notAfter: row.notAfter, addedAt: row.addedAt.toISOString() });

function parsePem(pem: string): X509Certificate {
  const match = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem);
  if (!match) throw new AppError(400, 'trustedRootInvalid', { field: 'pem' });
  try {
    const certificate = new X509Certificate(Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64'));
    if (!certificate.ca) throw new AppError(400, 'trustedRootInvalid', { field: 'pem' });
    return certificate;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(400, 'trustedRootInvalid', { field: 'pem' });
  }
}

export class TrustedRoots {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async list(): Promise<TrustedRootDto[]> {
    return (await this.#db.select().from(trustedRoots).orderBy(asc(trustedRoots.addedAt))).map(toDto);
  }

  /** The roots' DER, for verifyPdf. */
  async ders(): Promise<Uint8Array[]> {
    return (await this.#db.select({ der: trustedRoots.der }).from(trustedRoots)).map((r) => r.der);
  }

  async add(user: SessionUser, pem: string): Promise<TrustedRootDto> {
    const certificate = parsePem(pem);
    const der = new Uint8Array(certificate.raw);
    const fingerprint = createHash('sha256').update(der).digest('hex');
    const [row] = await this.#db
      .insert(trustedRoots)
      .values({ der, fingerprint, subject: certificate.subject.replace(/\n/g, ', '), notAfter: new Date(certificate.validTo).toISOString(), addedBy: user.id })
      .onConflictDoNothing()
      .returning();
    if (row === undefined) throw new AppError(409, 'trustedRootExists');
    return toDto(row);
  }

  async remove(id: string): Promise<void> {
    const removed = await this.#db.delete(trustedRoots).where(eq(trustedRoots.id, id)).returning({ id: trustedRoots.id });
    if (removed.length === 0) throw new AppError(404, 'trustedRootNotFound');
  }
}
