// The CAs we operate, their delegated OCSP signers and their current CRLs.
import type { Queryable } from './db.js';

export interface IssuerRow {
  id: string;
  profile: string;
  parentId: string | null;
  certificate: Uint8Array;
  subject: string;
  keyIdentifier: Uint8Array;
  keyId: string | null;
  ocspCertificate: Uint8Array | null;
  ocspKeyId: string | null;
  imported: boolean;
  lab: boolean;
  notBefore: Date;
  notAfter: Date;
}

export interface CrlRow {
  issuerId: string;
  crlNumber: bigint;
  thisUpdate: Date;
  nextUpdate: Date;
  der: Uint8Array;
}

export interface CaIssuerRepo {
  insert(i: IssuerRow, tx?: Queryable): Promise<void>;
  setOcspSigner(id: string, certificate: Uint8Array, keyId: string, tx?: Queryable): Promise<void>;
  get(id: string): Promise<IssuerRow | null>;
  list(): Promise<IssuerRow[]>;
  getCrl(issuerId: string): Promise<CrlRow | null>;
  /** Stores a CRL only if its number is higher than the stored one; true when stored. */
  putCrl(crl: CrlRow): Promise<boolean>;
}

interface Row {
  id: string;
  profile: string;
  parent_id: string | null;
  certificate: Buffer;
  subject: string;
  key_identifier: Buffer;
  key_id: string | null;
  ocsp_certificate: Buffer | null;
  ocsp_key_id: string | null;
  imported: boolean;
  lab: boolean;
  not_before: Date;
  not_after: Date;
}

const COLUMNS = 'id, profile, parent_id, certificate, subject, key_identifier, key_id, ocsp_certificate, ocsp_key_id, imported, lab, not_before, not_after';
const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const toIssuer = (r: Row): IssuerRow => ({
  id: r.id,
  profile: r.profile,
  parentId: r.parent_id,
  certificate: new Uint8Array(r.certificate),
  subject: r.subject,
  keyIdentifier: new Uint8Array(r.key_identifier),
  keyId: r.key_id,
  ocspCertificate: r.ocsp_certificate ? new Uint8Array(r.ocsp_certificate) : null,
  ocspKeyId: r.ocsp_key_id,
  imported: r.imported,
  lab: r.lab,
  notBefore: r.not_before,
  notAfter: r.not_after,
});

export function caIssuerRepo(db: Queryable): CaIssuerRepo {
  return {
    async insert(i, tx = db) {
      await tx.query(`INSERT INTO ca_issuers (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`, [
        i.id,
        i.profile,
        i.parentId,
        buf(i.certificate),
        i.subject,
        buf(i.keyIdentifier),
        i.keyId,
        i.ocspCertificate ? buf(i.ocspCertificate) : null,
        i.ocspKeyId,
        i.imported,
        i.lab,
        i.notBefore,
        i.notAfter,
      ]);
    },
    async setOcspSigner(id, certificate, keyId, tx = db) {
      await tx.query('UPDATE ca_issuers SET ocsp_certificate = $2, ocsp_key_id = $3 WHERE id = $1', [id, buf(certificate), keyId]);
    },
    async get(id) {
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM ca_issuers WHERE id = $1`, [id]);
      return rows[0] ? toIssuer(rows[0]) : null;
    },
    async list() {
      const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM ca_issuers ORDER BY created_at, id`);
      return rows.map(toIssuer);
    },
    async getCrl(issuerId) {
      const { rows } = await db.query<{ issuer_id: string; crl_number: string; this_update: Date; next_update: Date; der: Buffer }>(
        'SELECT issuer_id, crl_number, this_update, next_update, der FROM ca_crls WHERE issuer_id = $1',
        [issuerId],
      );
      const r = rows[0];
      return r ? { issuerId: r.issuer_id, crlNumber: BigInt(r.crl_number), thisUpdate: r.this_update, nextUpdate: r.next_update, der: new Uint8Array(r.der) } : null;
    },
    async putCrl(c) {
      const r = await db.query(
        `INSERT INTO ca_crls (issuer_id, crl_number, this_update, next_update, der) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (issuer_id) DO UPDATE SET crl_number = EXCLUDED.crl_number, this_update = EXCLUDED.this_update, next_update = EXCLUDED.next_update, der = EXCLUDED.der
         WHERE ca_crls.crl_number < EXCLUDED.crl_number`,
        [c.issuerId, c.crlNumber.toString(), c.thisUpdate, c.nextUpdate, buf(c.der)],
      );
      return r.rowCount === 1;
    },
  };
}
