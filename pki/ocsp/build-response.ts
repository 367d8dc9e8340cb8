// OCSPResponse and BasicOCSPResponse (RFC 6960 4.2.1) hand-built with the DER writer: on the
// cold path of the responder the only other cost is the signature.
import type { CrlReason } from '../crl-reason.js';
import { CRL_REASON_CODES } from '../crl-reason.js';
import { signatureAlgorithmId } from '../algorithms.js';
import { bitString, enumerated, explicit, generalizedTime, implicitPrimitive, octetString, oid, seq, tlv } from '../der/writer.js';
import { OID } from '../oids.js';
import type { Signer } from '../signer.js';

/** OCSPResponseStatus (RFC 6960 4.2.1); 4 is not used. */
export type OcspResponseStatus = 'successful' | 'malformedRequest' | 'internalError' | 'tryLater' | 'sigRequired' | 'unauthorized';

export const OCSP_RESPONSE_STATUS_CODES: Readonly<Record<OcspResponseStatus, number>> = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
};

export type OcspErrorStatus = Exclude<OcspResponseStatus, 'successful'>;

/** What one SingleResponse asserts about a certificate (RFC 6960 4.2.1 CertStatus). */
export type CertStatus = { status: 'good' } | { status: 'revoked'; revokedAt: Date; reason: CrlReason | null } | { status: 'unknown' };

export interface SingleResponseInput {
  /** The request's CertID, exactly as received (RFC 6960 4.2.1: the response identifies it). */
  certId: Uint8Array;
  status: CertStatus;
  thisUpdate: Date;
  nextUpdate: Date | null;
}

export interface OcspResponderIdentity {
  signer: Signer;
  /** SHA-1 of the responder's subjectPublicKey BIT STRING contents: ResponderID byKey. */
  keyHash: Uint8Array;
  /** Certificates placed in BasicOCSPResponse.certs: the delegated responder certificate. */
  certificates: readonly Uint8Array[];
}

export interface BasicResponseInput {
  responder: OcspResponderIdentity;
  producedAt: Date;
  responses: readonly SingleResponseInput[];
  /** The request's nonce value, echoed in responseExtensions (RFC 6960 4.4.1), or null. */
  nonce: Uint8Array | null;
}

const ERROR_RESPONSES = new Map<OcspErrorStatus, Uint8Array>();

/** An OCSPResponse without responseBytes, for every status but successful (RFC 6960 2.3). */
export function buildOcspErrorResponse(status: OcspErrorStatus): Uint8Array {
  let der = ERROR_RESPONSES.get(status);
  if (!der) {
    der = seq(enumerated(OCSP_RESPONSE_STATUS_CODES[status]));
    ERROR_RESPONSES.set(status, der);
  }
  return der;
}

const GOOD = implicitPrimitive(0, new Uint8Array(0));
const UNKNOWN = implicitPrimitive(2, new Uint8Array(0));

/** CertStatus: good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT NULL. */
export function encodeCertStatus(status: CertStatus): Uint8Array {
  switch (status.status) {
    case 'good':
      return GOOD;
    case 'unknown':
      return UNKNOWN;
    case 'revoked':
      return status.reason === null
        ? tlv(0xa1, generalizedTime(status.revokedAt))
        : tlv(0xa1, generalizedTime(status.revokedAt), explicit(0, enumerated(CRL_REASON_CODES[status.reason])));
  }
}

export function encodeSingleResponse(r: SingleResponseInput): Uint8Array {
  const parts = [r.certId, encodeCertStatus(r.status), generalizedTime(r.thisUpdate)];
  if (r.nextUpdate) parts.push(explicit(0, generalizedTime(r.nextUpdate)));
  return seq(...parts);
}

/** The nonce extension (RFC 6960 4.4.1): extnValue holds the DER of Nonce ::= OCTET STRING. */
export const encodeNonceExtension = (nonce: Uint8Array): Uint8Array => seq(oid(OID.ocspNonce), octetString(octetString(nonce)));

/** ResponseData; version v1 is the DEFAULT and so omitted (X.690 11.5). */
export function encodeResponseData(input: Omit<BasicResponseInput, 'responder'> & { keyHash: Uint8Array }): Uint8Array {
  const parts = [explicit(2, octetString(input.keyHash)), generalizedTime(input.producedAt), seq(...input.responses.map(encodeSingleResponse))];
  if (input.nonce) parts.push(explicit(1, seq(encodeNonceExtension(input.nonce))));
  return seq(...parts);
}

const CERTS_BLOCKS = new WeakMap<readonly Uint8Array[], Uint8Array>();

/** certs [0] EXPLICIT SEQUENCE OF Certificate, encoded once per responder (it is most of the response). */
function certsBlock(certificates: readonly Uint8Array[]): Uint8Array {
  let block = CERTS_BLOCKS.get(certificates);
  if (!block) {
    block = explicit(0, seq(...certificates));
    CERTS_BLOCKS.set(certificates, block);
  }
  return block;
}

/** A successful OCSPResponse carrying a signed BasicOCSPResponse. */
export async function buildOcspResponse(input: BasicResponseInput): Promise<Uint8Array> {
  const { responder } = input;
  const tbs = encodeResponseData({ producedAt: input.producedAt, responses: input.responses, nonce: input.nonce, keyHash: responder.keyHash });
  const signature = await responder.signer.sign(tbs);
  const basicParts = [tbs, signatureAlgorithmId(responder.signer.algorithm), bitString(signature)];
  if (responder.certificates.length) basicParts.push(certsBlock(responder.certificates));
  return seq(enumerated(0), explicit(0, seq(oid(OID.ocspBasic), octetString(seq(...basicParts)))));
}
