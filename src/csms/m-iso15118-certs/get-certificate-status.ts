// M06 GetCertificateStatus (OCPP 2.0.1 Part 2 M06.FR.xx): a station asks for the OCSP status of a
// certificate of its V2G chain; the CSMS answers with the OCSPResponse (RFC 6960), DER, base64
// (GetCertificateStatusResponse.ocspResult). An issuer we operate is answered in-process by our
// responder; any other by the responder at responderURL, through the caching client (one upstream
// request per CertID per nextUpdate). Failed, with a reason, when no valid answer can be had.
import type { Logger } from '../../log.js';
import type { CallHandler } from '../../ocpp/handler.js';
import type { CertificateStatusService, StatusFailureCode } from '../../ocsp-client/certificate-status.js';
import { readOcspRequestData } from '../../ocsp-client/ocsp-request-data.js';
import type { GetCertificateStatusRequest, GetCertificateStatusResponse } from '../types.js';

/** GetCertificateStatusResponse.ocspResult maxLength. */
const OCSP_RESULT_MAX = 5500;

/** statusInfo.reasonCode (at most 20 characters) for each way of not getting an answer. */
export function reasonCodeFor(code: StatusFailureCode): string {
  switch (code) {
    case 'URL_INVALID':
    case 'NO_RESPONDER_URL':
      return 'InvalidResponderURL';
    case 'URL_REFUSED':
      return 'ResponderNotAllowed';
    case 'UNREACHABLE':
      return 'ResponderUnreachable';
    case 'TOO_LARGE':
      return 'ResponseTooLarge';
    case 'RESPONDER_ERROR':
      return 'ResponderError';
    case 'ISSUER_UNKNOWN':
      return 'UnknownIssuer';
    case 'MALFORMED':
    case 'CERTID_MISMATCH':
    case 'SIGNATURE_INVALID':
    case 'STALE':
      return 'InvalidOcspResponse';
    case 'OUR_RESPONDER_FAILED':
      return 'InternalError';
  }
}

const failed = (reasonCode: string, reason: string): GetCertificateStatusResponse => ({ status: 'Failed', statusInfo: { reasonCode, additionalInfo: reason.slice(0, 512) } });

export function handleGetCertificateStatus(deps: { status: CertificateStatusService; log: Pick<Logger, 'info' | 'debug'> }): CallHandler {
  return async (ctx, req: GetCertificateStatusRequest): Promise<GetCertificateStatusResponse> => {
    const stationId = ctx.session.stationId;
    const read = readOcspRequestData(req.ocspRequestData);
    if (!read.ok) {
      deps.log.info({ stationId, reason: read.reason }, 'GetCertificateStatus refused: invalid ocspRequestData');
      return failed('InvalidHashData', read.reason);
    }
    const outcome = await deps.status.check(read.certId, read.responderUrl);
    if (!outcome.ok) {
      deps.log.info({ stationId, source: outcome.source, code: outcome.code, reason: outcome.reason }, 'GetCertificateStatus failed');
      return failed(reasonCodeFor(outcome.code), outcome.reason);
    }
    const ocspResult = Buffer.from(outcome.der.buffer, outcome.der.byteOffset, outcome.der.byteLength).toString('base64');
    if (ocspResult.length > OCSP_RESULT_MAX) return failed('ResponseTooLarge', `the OCSP response is ${ocspResult.length} base64 characters; ocspResult holds at most ${OCSP_RESULT_MAX}`);
    deps.log.debug({ stationId, source: outcome.source, status: outcome.status.status, fromCache: outcome.fromCache }, 'GetCertificateStatus answered');
    return { status: 'Accepted', ocspResult };
  };
}
