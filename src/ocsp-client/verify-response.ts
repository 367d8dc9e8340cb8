// Acceptance of an OCSPResponse from a responder we do not run (RFC 6960 3.2), before it is used,
// cached or relayed. Pure: the clock and the known certificates come in.
// 1. The response parses and is successful, with a SingleResponse for the CertID asked about.
// 2. It is signed by the issuing CA, or by a delegated signer the CA issued with id-kp-OCSPSigning
//    (4.2.2.2) that is valid now. The CA's key is found by the CertID itself: a certificate whose
//    subject and subjectPublicKey hash to issuerNameHash and issuerKeyHash is the issuer's, from
//    wherever it comes (our trusted pool or the response's certs), since the hash binds the key.
// 3. thisUpdate is not in the future (within the allowed skew); nextUpdate, when present, is not
//    past. Without nextUpdate (4.2.2.1: "newer information is available all the time") the answer
//    is only accepted fresh: thisUpdate within the skew of now.
import { readSignatureAlgorithm, verifySignature } from '../../pki/algorithms.js';
import { children, parseDer, readOid } from '../../pki/der/reader.js';
import { CERT_ID_HASHES, digest, readCertificateParts, serialContent, type CertIdHash, type CertificateParts } from '../../pki/ocsp/cert-id.js';
import type { CertStatus } from '../../pki/ocsp/build-response.js';
import { parseOcspResponse, verifyOcspResponseSignature, type ParsedOcspResponse } from '../../pki/ocsp/parse-response.js';
import { OID } from '../../pki/oids.js';
import { OcspClientError } from './ocsp-client-error.js';

export interface CertIdFields {
  hashAlgorithm: CertIdHash;
  issuerNameHash: Uint8Array;
  issuerKeyHash: Uint8Array;
  /** INTEGER content octets or the unsigned magnitude. */
  serialNumber: Uint8Array;
}

export interface VerifiedOcspAnswer {
  status: CertStatus;
  producedAt: Date;
  thisUpdate: Date;
  nextUpdate: Date | null;
  /** True when the CA signed itself, false for a delegated signer. */
  signedByCa: boolean;
}

export interface VerifyOptions {
  now: Date;
  /** Tolerated clock difference with the responder. */
  skewMs: number;
  /** Certificates that may be the CertID's issuer (besides those the response carries). */
  knownCertificates: readonly Uint8Array[];
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const equal = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && hex(a) === hex(b);

/** The certificate of `candidates` whose subject and key hash to the CertID's issuer hashes, parsed. */
export function findIssuer(certId: CertIdFields, candidates: Iterable<Uint8Array>): { der: Uint8Array; parts: CertificateParts } | null {
  for (const der of candidates) {
    let parts: CertificateParts;
    try {
      parts = readCertificateParts(der);
    } catch {
      continue;
    }
    if (equal(digest(certId.hashAlgorithm, parts.subject), certId.issuerNameHash) && equal(digest(certId.hashAlgorithm, parts.subjectPublicKey), certId.issuerKeyHash)) return { der, parts };
  }
  return null;
}

/** RFC 6960 4.2.2.2: issued by the CA (name and signature), id-kp-OCSPSigning, valid now. */
function delegatedBy(ca: CertificateParts, signer: CertificateParts, now: Date): string | null {
  if (!equal(signer.issuer, ca.subject)) return 'the signer certificate is not issued by the CA';
  let sigOk = false;
  try {
    sigOk = verifySignature(readSignatureAlgorithm(parseDer(signer.signatureAlgorithm)), ca.subjectPublicKeyInfo, signer.tbs, signer.signature);
  } catch {
    sigOk = false;
  }
  if (!sigOk) return 'the signer certificate signature does not verify with the CA key';
  const eku = signer.extensions.get(OID.extKeyUsage);
  let purposes: string[] = [];
  try {
    purposes = eku ? children(parseDer(eku.value)).map((n) => readOid(n)) : [];
  } catch {
    purposes = [];
  }
  if (!purposes.includes(OID.kpOcspSigning)) return 'the signer certificate lacks id-kp-OCSPSigning';
  if (now < signer.notBefore || now > signer.notAfter) return 'the signer certificate is not valid now';
  return null;
}

export function verifyOcspResponse(der: Uint8Array, certId: CertIdFields, opts: VerifyOptions): VerifiedOcspAnswer {
  // Step 1: structure, status, the SingleResponse for our CertID.
  let parsed: ParsedOcspResponse;
  try {
    parsed = parseOcspResponse(der);
  } catch (err) {
    throw new OcspClientError('MALFORMED', `not an OCSPResponse: ${err instanceof Error ? err.message : String(err)}`);
  }
  const basic = parsed.basic;
  if (parsed.responseStatus !== 'successful' || !basic) throw new OcspClientError('RESPONDER_ERROR', `responder answered ${parsed.responseStatus}`);
  const serial = hex(serialContent(certId.serialNumber));
  const single = basic.responses.find(
    (r) => r.certId.hashAlgorithm === certId.hashAlgorithm && equal(r.certId.issuerNameHash, certId.issuerNameHash) && equal(r.certId.issuerKeyHash, certId.issuerKeyHash) && hex(serialContent(r.certId.serialNumber)) === serial,
  );
  if (!single) throw new OcspClientError('CERTID_MISMATCH', 'the response has no SingleResponse for the requested CertID');

  // Step 2: the signature, by the CA or its delegated signer.
  const ca = findIssuer(certId, [...opts.knownCertificates, ...basic.certificates]);
  if (!ca) throw new OcspClientError('ISSUER_UNKNOWN', 'no known certificate matches the CertID issuer hashes');
  let signedByCa = false;
  try {
    signedByCa = verifyOcspResponseSignature(basic, ca.der);
  } catch {
    signedByCa = false;
  }
  if (!signedByCa) {
    let why = 'no certificate in the response signed it';
    let delegated = false;
    for (const certDer of basic.certificates) {
      try {
        if (!verifyOcspResponseSignature(basic, certDer)) continue;
        const problem = delegatedBy(ca.parts, readCertificateParts(certDer), opts.now);
        if (problem === null) {
          delegated = true;
          break;
        }
        why = problem;
      } catch {
        continue;
      }
    }
    if (!delegated) throw new OcspClientError('SIGNATURE_INVALID', `response signature: ${why}`);
  }

  // Step 3: times.
  const nowMs = opts.now.getTime();
  if (single.thisUpdate.getTime() > nowMs + opts.skewMs) throw new OcspClientError('STALE', `thisUpdate ${single.thisUpdate.toISOString()} is in the future`);
  if (basic.producedAt.getTime() > nowMs + opts.skewMs) throw new OcspClientError('STALE', `producedAt ${basic.producedAt.toISOString()} is in the future`);
  if (single.nextUpdate) {
    if (single.nextUpdate.getTime() < single.thisUpdate.getTime()) throw new OcspClientError('STALE', 'nextUpdate is before thisUpdate');
    if (single.nextUpdate.getTime() <= nowMs) throw new OcspClientError('STALE', `nextUpdate ${single.nextUpdate.toISOString()} has passed`);
  } else if (single.thisUpdate.getTime() < nowMs - opts.skewMs) {
    throw new OcspClientError('STALE', `no nextUpdate and thisUpdate ${single.thisUpdate.toISOString()} is not current`);
  }
  return { status: single.certStatus, producedAt: basic.producedAt, thisUpdate: single.thisUpdate, nextUpdate: single.nextUpdate, signedByCa };
}

/** CertID hash names of OCPP HashAlgorithmEnumType (SHA256, SHA384, SHA512). */
export function certIdHashFromOcpp(name: string): CertIdHash | null {
  const h = name.toLowerCase() as CertIdHash;
  return CERT_ID_HASHES.includes(h) && h !== 'sha1' ? h : null;
}
