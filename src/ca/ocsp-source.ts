// What the OCSP responder may know, from the CA: the CAs with a delegated OCSP signer (their
// Signers stay in src/ca) and each certificate's status from storage.
import { CRL_REASON_CODES, type CrlReason } from '../../pki/crl-reason.js';
import type { OcspIssuer, OcspStatusSource } from '../ocsp/types.js';
import type { Store } from '../store/store.js';
import type { IssuerRegistry } from './issuer-registry.js';

const isReason = (r: string | null): r is CrlReason => r !== null && Object.hasOwn(CRL_REASON_CODES, r);

export function caOcspSource(deps: { issuers: IssuerRegistry; store: Pick<Store, 'certificates'> }): OcspStatusSource {
  return {
    async listIssuers() {
      const out: OcspIssuer[] = [];
      for (const issuer of await deps.issuers.list()) {
        const responder = await deps.issuers.ocspSigner(issuer.row.id);
        if (responder) out.push({ id: issuer.row.id, certificate: issuer.row.certificate, responder });
      }
      return out;
    },
    async status(issuerId, serial) {
      const row = await deps.store.certificates.statusOf(issuerId, serial);
      // RFC 6960 2.2: "unknown" for serials this CA never issued (reserved, failed or never seen).
      if (!row || row.status !== 'issued') return { status: 'unknown' };
      if (row.revokedAt) return { status: 'revoked', revokedAt: row.revokedAt, reason: isReason(row.reason) ? row.reason : null };
      return { status: 'good' };
    },
  };
}
