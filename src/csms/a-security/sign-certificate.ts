// A02/A03 SignCertificate: the registration authority. The CSR is checked against the profile of
// the requested type and against this station (CN = identity or SECC ID, O = CPO name); the
// decision is stored with its reason, and Accepted or Rejected is answered at once (A02.FR.05,
// A03.FR.05 hold the CSMS to answering the request before it signs). An accepted request leaves
// an outbox row in the same transaction; jobs/outbox.ts issues and delivers CertificateSigned.
import type { CaService } from '../../ca/ca-service.js';
import type { Logger } from '../../log.js';
import type { CallHandler } from '../../ocpp/handler.js';
import type { Store } from '../../store/store.js';
import type { SignCertificateRequest, SignCertificateResponse } from '../types.js';
import { decideCsr, expectedIdentity, OMITTED_CERTIFICATE_TYPE, readCsr, type Refusal } from './sign-certificate-decision.js';

export interface SignCertificateDeps {
  store: Pick<Store, 'signingRequests' | 'outbox'>;
  ca: Pick<CaService, 'keyCertifiedForOther'>;
  /** O of the certificates (config cpoName); without it every request is refused (nothing to bind O to). */
  cpoName: string | undefined;
  /** How long an accepted request waits for delivery of its certificate. */
  requestTtlMs: number;
  log: Logger;
  /** Told after an accepted request is stored (wakes the outbox). */
  onAccepted?: (requestId: string) => void;
}

export function handleSignCertificate(deps: SignCertificateDeps): CallHandler {
  return async (ctx, req: SignCertificateRequest): Promise<SignCertificateResponse> => {
    const stationId = ctx.session.stationId;
    // Step 1: the type, with the documented policy when it is omitted.
    const type = req.certificateType ?? OMITTED_CERTIFICATE_TYPE;
    // Step 2: the identity the CN must carry (a V2GCertificate needs the station's SECC ID).
    const seccId = type === 'V2GCertificate' ? await deps.store.signingRequests.getSeccId(stationId) : null;
    const cpoName = deps.cpoName;
    const signing = { stationId, cpoName: cpoName ?? '', seccId };
    const expected = expectedIdentity(type, signing);
    // Step 3: read the CSR, then check it against the profile and the station.
    let refusal: Refusal | null = expected.ok ? null : expected.refusal;
    if (cpoName === undefined) refusal = { reasonCode: 'NotEnabled', reason: 'no CPO name is configured (--cpo-name): the O of station certificates is unknown', defects: [] };
    else if (expected.ok) {
      const read = readCsr(req.csr);
      if (!read.ok) refusal = read.refusal;
      else {
        const taken = await deps.ca.keyCertifiedForOther(read.csr.publicKey, expected.identity);
        const decision = decideCsr(read.csr, type, expected.identity, signing, taken);
        if (!decision.ok) refusal = decision.refusal;
      }
    }
    // Step 4: store the decision with its reason; an accepted one with its outbox row.
    const accepted = refusal === null;
    const expiresAt = new Date(ctx.receivedAt.getTime() + deps.requestTtlMs);
    const id = await deps.store.signingRequests.insert(
      {
        stationId,
        certificateType: type,
        typeInRequest: req.certificateType !== undefined,
        csr: req.csr,
        identity: expected.ok ? expected.identity : null,
        receivedAt: ctx.receivedAt,
        decision: accepted ? 'Accepted' : 'Rejected',
        reason: refusal?.reason ?? null,
        defects: refusal?.defects ?? null,
        expiresAt,
      },
      accepted
        ? async (tx, requestId) => {
            await deps.store.outbox.insert(tx, { stationId, action: 'CertificateSigned', payload: null, signingRequestId: requestId, nextAttemptAt: ctx.receivedAt, expiresAt, createdAt: ctx.receivedAt });
          }
        : undefined,
    );
    deps.log.info({ stationId, requestId: id, certificateType: type, decision: accepted ? 'Accepted' : 'Rejected', reason: refusal?.reason }, 'SignCertificate decided');
    // Step 5: answer at once.
    if (refusal === null) {
      deps.onAccepted?.(id);
      return { status: 'Accepted' };
    }
    return { status: 'Rejected', statusInfo: { reasonCode: refusal.reasonCode, additionalInfo: refusal.reason.slice(0, 512) } };
  };
}
