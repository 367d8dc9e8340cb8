// Revocation status of certificates we issued, for TLS client authentication at the OCPP upgrade:
// concurrent look-ups (a reconnect storm of profile 3 stations) share one statement per batch.
// Keys are "<issuer id> <serial hex>".
import { Coalescer } from './coalesce.js';
import type { CertificateStatus } from './certificates.js';
import type { Queryable } from './db.js';

export interface IssuedStatus {
  status: CertificateStatus;
  revokedAt: Date | null;
  reason: string | null;
}

export interface CertificateStatusRepo {
  /** Our record of this serial under this issuer, or null when it is not ours. */
  statusOf(issuerId: string, serial: Uint8Array): Promise<IssuedStatus | null>;
}

export function certificateStatusRepo(db: Queryable): CertificateStatusRepo {
  const lookups = new Coalescer<string, IssuedStatus | null>(async (keys) => {
    const pairs = keys.map((k) => k.split(' ') as [string, string]);
    const { rows } = await db.query<{ issuer_id: string; serial: Buffer; status: CertificateStatus; revoked_at: Date | null; revocation_reason: string | null }>(
      `SELECT c.issuer_id, c.serial, c.status, c.revoked_at, c.revocation_reason
         FROM certificates c JOIN unnest($1::text[], $2::bytea[]) AS k(issuer_id, serial)
           ON c.serial = k.serial AND c.issuer_id = k.issuer_id`,
      [pairs.map((p) => p[0]), pairs.map((p) => Buffer.from(p[1], 'hex'))],
    );
    return new Map(rows.map((r) => [`${r.issuer_id} ${r.serial.toString('hex')}`, { status: r.status, revokedAt: r.revoked_at, reason: r.revocation_reason }]));
  }, null);
  return {
    statusOf: (issuerId, serial) => lookups.load(`${issuerId} ${Buffer.from(serial).toString('hex')}`),
  };
}
