// The OCSP responder URL a certificate names: authorityInfoAccess, accessMethod id-ad-ocsp,
// accessLocation uniformResourceIdentifier (RFC 5280 4.2.2.1). Used for the certificates of a
// contract chain, whose status Authorize checks (OCPP 2.0.1 C07.FR.05).
import { children, parseDer, readOid } from '../../pki/der/reader.js';
import { readCertificateParts } from '../../pki/ocsp/cert-id.js';
import { OID } from '../../pki/oids.js';

const URI_TAG = 0x86;

/** The first id-ad-ocsp URI of the certificate, or null (none, or an unreadable extension). */
export function ocspUrlOf(certificate: Uint8Array): string | null {
  try {
    const aia = readCertificateParts(certificate).extensions.get(OID.authorityInfoAccess);
    if (!aia) return null;
    for (const desc of children(parseDer(aia.value))) {
      const [method, location] = children(desc);
      if (readOid(method, 'accessMethod') !== OID.accessOcsp || location?.tag !== URI_TAG) continue;
      return Buffer.from(location.content).toString('latin1');
    }
    return null;
  } catch {
    return null;
  }
}
