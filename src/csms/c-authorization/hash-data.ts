// AuthorizeRequest.iso15118CertificateHashData (OCPP 2.0.1 C07.FR.02: the station validated the
// contract chain itself and sends the OCSP data of its certificates): the CSMS checks each entry's
// status via real-time or cached OCSP data (C07.FR.05), ours in-process, foreign through the cache.
import type { CertificateStatusService } from '../../ocsp-client/certificate-status.js';
import { readOcspRequestData } from '../../ocsp-client/ocsp-request-data.js';
import type { OCSPRequestDataType } from '../types.js';
import { checkFromStatus, combineChecks, type CertificateCheck } from './certificate-check.js';

export async function checkHashData(deps: { status: CertificateStatusService }, entries: readonly OCSPRequestDataType[], extraCertificates: readonly Uint8Array[] = []): Promise<CertificateCheck> {
  const checks = await Promise.all(
    entries.map(async (entry, i): Promise<CertificateCheck> => {
      const what = `hashData[${i}]`;
      const read = readOcspRequestData(entry);
      if (!read.ok) return { failure: 'CertChainError', reason: `${what}: ${read.reason}`, validUntil: null, evidence: [{ what, serial: null, source: 'foreign', status: 'invalid', reason: read.reason }] };
      const outcome = await deps.status.check(read.certId, read.responderUrl, extraCertificates);
      return checkFromStatus(what, entry.serialNumber.toLowerCase(), outcome);
    }),
  );
  return combineChecks(checks);
}
