// OCPP 2.0.1 OCSPRequestDataType (GetCertificateStatusRequest.ocspRequestData, and each entry of
// AuthorizeRequest.iso15118CertificateHashData) to a CertID (RFC 6960 4.1.1). The schema admits
// any strings; the hashes must be hex of the algorithm's length and the serial hex of at most 20
// octets (RFC 5280 4.1.2.2), or the entry is refused with a precise reason.
import { CERT_ID_HASH_LENGTHS } from '../../pki/ocsp/cert-id.js';
import type { OCSPRequestDataType } from '../ocpp/types/ocpp201.js';
import { certIdHashFromOcpp, type CertIdFields } from './verify-response.js';

export type RequestDataResult = { ok: true; certId: CertIdFields; responderUrl: string } | { ok: false; reason: string };

const HEX = /^[0-9a-fA-F]+$/;

export function readOcspRequestData(data: OCSPRequestDataType): RequestDataResult {
  const hashAlgorithm = certIdHashFromOcpp(data.hashAlgorithm);
  if (!hashAlgorithm) return { ok: false, reason: `hashAlgorithm ${data.hashAlgorithm} is not SHA256, SHA384 or SHA512` };
  const length = CERT_ID_HASH_LENGTHS[hashAlgorithm] * 2;
  for (const [name, value] of [['issuerNameHash', data.issuerNameHash], ['issuerKeyHash', data.issuerKeyHash]] as const) {
    if (value.length !== length || !HEX.test(value)) return { ok: false, reason: `${name} must be ${length} hex digits for ${data.hashAlgorithm}` };
  }
  const serial = data.serialNumber;
  if (serial.length === 0 || serial.length > 40 || !HEX.test(serial)) return { ok: false, reason: 'serialNumber must be 1 to 40 hex digits' };
  return {
    ok: true,
    certId: {
      hashAlgorithm,
      issuerNameHash: new Uint8Array(Buffer.from(data.issuerNameHash, 'hex')),
      issuerKeyHash: new Uint8Array(Buffer.from(data.issuerKeyHash, 'hex')),
      // An odd number of digits is a leading zero nibble (OCPP sends serials without leading zeros).
      serialNumber: new Uint8Array(Buffer.from(serial.length % 2 ? `0${serial}` : serial, 'hex')),
    },
    responderUrl: data.responderURL,
  };
}
