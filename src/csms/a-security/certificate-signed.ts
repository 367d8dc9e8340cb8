// A02/A03 CertificateSigned, as the outbox runs it: issue the accepted request through the CA and
// build the payload (prepare), then act on the station's answer. Accepted marks the certificate
// installed and schedules revocation of the one it replaces after a grace period; Rejected revokes
// the new certificate and records why (A02.FR.xx: the station answers Rejected when the
// certificate is invalid).
import { parseCertificate, toPem } from '../../../pki/certificate/parse-certificate.js';
import { bytesToHex } from '../../../pki/der/writer.js';
import type { CaService } from '../../ca/ca-service.js';
import type { Logger } from '../../log.js';
import type { CallAnswer } from '../../ocpp/station-bus.js';
import type { OutboxRow } from '../../store/outbox.js';
import type { CertificateSigningUse } from '../../store/signing-requests.js';
import type { Store } from '../../store/store.js';
import type { CertificateSignedRequest, CertificateSignedResponse } from '../types.js';
import { decideCsr, readCsr } from './sign-certificate-decision.js';

export interface CertificateSignedDeps {
  store: Pick<Store, 'db' | 'signingRequests' | 'outbox' | 'scheduledRevocations' | 'certificates'>;
  ca: Pick<CaService, 'issue' | 'revoke'>;
  cpoName: string;
  issuerFor: Readonly<Record<CertificateSigningUse, string>>;
  /** How long the certificate a new one replaces stays valid after the station installed the new one. */
  replacedGraceMs: number;
  now: () => Date;
  log: Logger;
}

const REQUESTED_BY = 'csms:certificate-signing';

/** Who asked for a station certificate, as the CA records it: the station and its request. */
export const issuedForRequest = (stationId: string, requestId: string): string => `station:${stationId} request:${requestId}`;

/**
 * The certificateChain of CertificateSigned: PEM, leaf first, then the sub-CAs up to (not
 * including) the root, which the station holds as a trust anchor (OCPP 2.0.1
 * CertificateSignedRequest.certificateChain: "the order of the bundle should follow the
 * certificate chain, starting from the leaf certificate").
 */
export function buildCertificateChain(leaf: Uint8Array, issuerChain: readonly Uint8Array[]): string {
  const subCas = issuerChain.filter((der) => {
    const c = parseCertificate(der);
    return Buffer.compare(Buffer.from(c.subjectDer), Buffer.from(c.issuerDer)) !== 0;
  });
  return [leaf, ...subCas].map((der) => toPem(der, 'CERTIFICATE')).join('');
}

/** Issues the request's certificate and stores the payload; null when it cannot (the request is failed). */
export async function prepareCertificateSigned(deps: CertificateSignedDeps, row: OutboxRow): Promise<CertificateSignedRequest | null> {
  const { store } = deps;
  const req = row.signingRequestId ? await store.signingRequests.get(row.signingRequestId) : null;
  if (!req || req.state !== 'accepted' || req.identity === null) return null;
  // Step 1: a newer request of the same station and type supersedes older ones still in flight
  // (the station retried: A02.FR.xx CertSigningRepeatTimes).
  const older = await store.signingRequests.inFlightBefore(req.stationId, req.certificateType, req.id);
  const superseded = older.filter((o) => o.receivedAt.getTime() <= req.receivedAt.getTime());
  await store.outbox.expireForRequests(superseded.map((o) => o.id));
  for (const o of superseded) await expireRequest(deps, o.id, o.serial, 'superseded by a newer request');
  // Step 2: the decided subject and key, from the stored CSR (the RA decision is deterministic).
  const read = readCsr(req.csr);
  const decision = read.ok ? decideCsr(read.csr, req.certificateType, req.identity, { stationId: req.stationId, cpoName: deps.cpoName, seccId: null }, false) : null;
  if (!decision?.ok) {
    await store.signingRequests.setState(req.id, 'failed', 'the stored CSR no longer passes the RA checks');
    return null;
  }
  // Step 3: issue through the CA. A certificate issued for this very request by a process that
  // died before step 5 was never delivered: it is revoked, so that no valid certificate exists
  // that nobody tracks, and this attempt issues afresh.
  const requestedBy = issuedForRequest(req.stationId, req.id);
  for (const orphan of await store.certificates.list({ identity: decision.identity, status: 'issued', requestedBy, limit: 10 })) {
    if (!orphan.revokedAt) await deps.ca.revoke({ serial: bytesToHex(orphan.serial), reason: 'superseded', requestedBy: REQUESTED_BY });
  }
  let issued;
  try {
    issued = await deps.ca.issue({ issuerId: deps.issuerFor[req.certificateType], profile: decision.profile, subject: decision.subject, publicKey: decision.publicKey, identity: decision.identity, requestedBy });
  } catch (err) {
    deps.log.error({ err, stationId: req.stationId, requestId: req.id }, 'the CA did not issue an accepted station certificate');
    await store.signingRequests.setState(req.id, 'failed', `the CA did not issue: ${(err as Error).message}`);
    return null;
  }
  // Step 4: the payload; the certificateType only when the request carried one.
  const payload: CertificateSignedRequest = { certificateChain: buildCertificateChain(issued.der, issued.chain), ...(req.typeInRequest ? { certificateType: req.certificateType } : {}) };
  // Step 5: the serial and the payload in one transaction, so that a restart delivers this very certificate.
  await store.db.withTransaction(async (tx) => {
    await store.signingRequests.markIssued(tx, req.id, Uint8Array.from(Buffer.from(issued.serial, 'hex')));
    await store.outbox.setPayload(tx, row.id, payload);
  });
  return payload;
}

/** The station's answer. 'retry' for a CALLERROR (the outbox tries again with backoff). */
export async function onCertificateSignedAnswer(deps: CertificateSignedDeps, row: OutboxRow, answer: CallAnswer): Promise<'done' | 'retry'> {
  if (answer.kind === 'error') return 'retry';
  const { store } = deps;
  const req = row.signingRequestId ? await store.signingRequests.get(row.signingRequestId) : null;
  if (!req?.serial) return 'done';
  const res = answer.payload as CertificateSignedResponse;
  const at = deps.now();
  const reason = res.statusInfo ? [res.statusInfo.reasonCode, res.statusInfo.additionalInfo].filter(Boolean).join(': ') : null;
  if (res.status === 'Accepted') {
    const serial = req.serial;
    // The certificates this one replaces stay valid for a grace period, then are revoked as
    // superseded: scheduled in the transaction that records the installation, so that no crash
    // between the two leaves them valid for good.
    await store.db.withTransaction(async (tx) => {
      const replaced = await store.signingRequests.installedOthers(req.stationId, req.certificateType, serial, tx);
      await store.signingRequests.recordAnswer(req.id, { state: 'installed', status: 'Accepted', reason, at }, tx);
      for (const old of replaced) await store.scheduledRevocations.schedule({ serial: old, reason: 'superseded', dueAt: new Date(at.getTime() + deps.replacedGraceMs), requestedBy: REQUESTED_BY }, tx);
    });
    deps.log.info({ stationId: req.stationId, requestId: req.id, serial: bytesToHex(req.serial) }, 'station installed its new certificate');
    return 'done';
  }
  await store.signingRequests.recordAnswer(req.id, { state: 'station_rejected', status: 'Rejected', reason, at });
  // The station will not use it: nobody else may either.
  await deps.ca.revoke({ serial: bytesToHex(req.serial), reason: 'cessationOfOperation', requestedBy: REQUESTED_BY });
  deps.log.warn({ stationId: req.stationId, requestId: req.id, reason }, 'station rejected its new certificate; revoked');
  return 'done';
}

/** Not delivered in time: the request expires with its certificate. */
export async function onCertificateSignedExpired(deps: CertificateSignedDeps, row: OutboxRow): Promise<void> {
  const req = row.signingRequestId ? await deps.store.signingRequests.get(row.signingRequestId) : null;
  if (req && (req.state === 'accepted' || req.state === 'issued')) await expireRequest(deps, req.id, req.serial, 'not delivered before the request expired');
}

async function expireRequest(deps: CertificateSignedDeps, id: string, serial: Uint8Array | null, why: string): Promise<void> {
  await deps.store.signingRequests.setState(id, 'expired', why);
  if (serial) await deps.ca.revoke({ serial: bytesToHex(serial), reason: 'cessationOfOperation', requestedBy: REQUESTED_BY });
}
