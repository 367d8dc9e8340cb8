// One question for GetCertificateStatus (OCPP 2.0.1 M06) and Authorize (C07): what is the status of
// this CertID? A CertID whose issuer we operate is answered in-process by our own responder (no
// HTTP, the responder's cache); any other goes to the responder the caller names, through the
// caching client. Never throws: failures come back with their code and reason.
import type { CertStatus } from '../../pki/ocsp/build-response.js';
import type { OcspResponder } from '../ocsp/responder.js';
import { OcspClientError, type OcspClientErrorCode } from './ocsp-client-error.js';
import type { OcspClient } from './ocsp-client.js';
import type { CertIdFields } from './verify-response.js';

export type StatusSource = 'ours' | 'foreign';

export type StatusFailureCode = OcspClientErrorCode | 'NO_RESPONDER_URL' | 'OUR_RESPONDER_FAILED';

export type StatusOutcome =
  | { ok: true; source: StatusSource; der: Uint8Array; status: CertStatus; nextUpdate: Date | null; fromCache: boolean }
  | { ok: false; source: StatusSource; code: StatusFailureCode; reason: string };

export interface CertificateStatusService {
  /** `responderUrl`: where to ask when the issuer is not ours (null: nowhere known). */
  check(certId: CertIdFields, responderUrl: string | null, extraCertificates?: readonly Uint8Array[]): Promise<StatusOutcome>;
}

export function createCertificateStatusService(deps: { responder: Pick<OcspResponder, 'checkStatus'>; client: OcspClient }): CertificateStatusService {
  return {
    async check(certId, responderUrl, extraCertificates = []) {
      // Step 0: a CertID with a current foreign answer in the cache is foreign: served at once
      // (our responder would only answer unauthorized for it). A CA imported later becomes ours
      // for its CertIDs once their cached foreign answers reach nextUpdate.
      const cached = deps.client.peek(certId);
      if (cached) return { ok: true, source: 'foreign', der: cached.der, status: cached.status, nextUpdate: cached.nextUpdate, fromCache: true };
      // Step 1: ours? The responder answers unauthorized for issuers it does not serve (RFC 6960 2.3).
      const own = await deps.responder.checkStatus({ hashAlgorithm: certId.hashAlgorithm, issuerNameHash: certId.issuerNameHash, issuerKeyHash: certId.issuerKeyHash, serialNumber: certId.serialNumber });
      if (own.responseStatus === 'successful') {
        const single = own.responses[0];
        if (!single) return { ok: false, source: 'ours', code: 'OUR_RESPONDER_FAILED', reason: 'our responder answered without a SingleResponse' };
        return { ok: true, source: 'ours', der: own.der, status: single.status, nextUpdate: own.nextUpdate, fromCache: false };
      }
      if (own.responseStatus !== 'unauthorized') return { ok: false, source: 'ours', code: 'OUR_RESPONDER_FAILED', reason: `our responder answered ${own.responseStatus}` };
      // Step 2: foreign, through the cache.
      if (responderUrl === null) return { ok: false, source: 'foreign', code: 'NO_RESPONDER_URL', reason: 'the issuer is not ours and no responder URL is known' };
      try {
        const a = await deps.client.query(certId, responderUrl, extraCertificates);
        return { ok: true, source: 'foreign', der: a.der, status: a.status, nextUpdate: a.nextUpdate, fromCache: a.fromCache };
      } catch (err) {
        if (err instanceof OcspClientError) return { ok: false, source: 'foreign', code: err.code, reason: err.message };
        return { ok: false, source: 'foreign', code: 'UNREACHABLE', reason: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}
