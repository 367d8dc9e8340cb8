// A reader for OCSPResponse (RFC 6960 4.2.1), enough for our own in-process callers and tests:
// response status, the SingleResponses, the nonce, and the signature checked against a given
// responder certificate. Malformed input raises PkiError('MALFORMED_DER').
import { PkiError } from '../errors.js';
import { readSignatureAlgorithm, verifySignature, type SignatureAlgorithmOid } from '../algorithms.js';
import { crlReasonFromCode } from '../crl-reason.js';
import { children, expectTag, parseDer, readBitString, readOid, readSmallInteger, readTime, sequence, type DerNode } from '../der/reader.js';
import { TAG } from '../der/writer.js';
import { OID } from '../oids.js';
import { certIdHashFromOid, digest, readCertificateParts, type CertId } from './cert-id.js';
import type { CertStatus, OcspResponseStatus } from './build-response.js';
import { OCSP_RESPONSE_STATUS_CODES } from './build-response.js';

export interface ParsedSingleResponse {
  certId: CertId;
  certStatus: CertStatus;
  thisUpdate: Date;
  nextUpdate: Date | null;
}

export interface ParsedBasicResponse {
  /** ResponseData DER: what the signature covers. */
  tbsResponseData: Uint8Array;
  responderId: { byKey: Uint8Array } | { byName: Uint8Array };
  producedAt: Date;
  responses: ParsedSingleResponse[];
  /** The nonce value from responseExtensions, or null. */
  nonce: Uint8Array | null;
  signatureAlgorithm: SignatureAlgorithmOid;
  signature: Uint8Array;
  certificates: Uint8Array[];
}

export interface ParsedOcspResponse {
  responseStatus: OcspResponseStatus;
  /** Present exactly when responseStatus is successful. */
  basic: ParsedBasicResponse | null;
}

const fail = (what: string): never => {
  throw new PkiError('MALFORMED_DER', what);
};

const STATUS_BY_CODE = new Map<number, OcspResponseStatus>(Object.entries(OCSP_RESPONSE_STATUS_CODES).map(([k, v]) => [v, k as OcspResponseStatus]));

function readEnumerated(node: DerNode | undefined, what: string): number {
  const n = expectTag(node, TAG.ENUMERATED, what);
  // Same content rules as INTEGER: reuse the reader on a retagged copy (never a write to the input).
  return readSmallInteger({ tag: TAG.INTEGER, der: n.der, content: n.content }, what);
}

export function parseOcspResponse(der: Uint8Array): ParsedOcspResponse {
  const top = sequence(parseDer(der), 'OCSPResponse');
  const responseStatus = STATUS_BY_CODE.get(readEnumerated(top[0], 'responseStatus')) ?? fail('responseStatus: unknown value');
  if (responseStatus !== 'successful') {
    if (top.length !== 1) fail('responseBytes present in an unsuccessful response');
    return { responseStatus, basic: null };
  }
  if (top.length !== 2) fail('successful response without responseBytes');
  const [bytes, ...extra] = children(expectTag(top[1], 0xa0, 'responseBytes'));
  if (extra.length) fail('responseBytes: trailing values');
  const [type, response] = sequence(bytes, 'ResponseBytes');
  if (readOid(type, 'responseType') !== OID.ocspBasic) fail('responseType is not id-pkix-ocsp-basic');
  return { responseStatus, basic: parseBasic(parseDer(expectTag(response, TAG.OCTET_STRING, 'response').content)) };
}

function parseBasic(node: DerNode): ParsedBasicResponse {
  const [tbsNode, algNode, sigNode, certsNode] = sequence(node, 'BasicOCSPResponse');
  const tbs = sequence(tbsNode, 'ResponseData');
  let i = 0;
  if (tbs[i]?.tag === 0xa0) {
    const [v] = children(tbs[i++] as DerNode);
    if (readSmallInteger(v, 'version') !== 0) fail('ResponseData.version: only v1 is defined');
  }
  const rid = tbs[i++];
  let responderId: ParsedBasicResponse['responderId'];
  if (rid?.tag === 0xa2) responderId = { byKey: expectTag(children(rid)[0], TAG.OCTET_STRING, 'byKey').content };
  else if (rid?.tag === 0xa1) responderId = { byName: expectTag(children(rid)[0], TAG.SEQUENCE, 'byName').der };
  else return fail('ResponderID: neither byName nor byKey');
  const producedAt = readTime(expectTag(tbs[i++], TAG.GENERALIZED_TIME, 'producedAt'), 'producedAt');
  const responses = sequence(tbs[i++], 'responses').map(parseSingle);
  let nonce: Uint8Array | null = null;
  if (tbs[i]?.tag === 0xa1) {
    for (const ext of sequence(children(tbs[i++] as DerNode)[0], 'responseExtensions')) {
      const parts = sequence(ext, 'Extension');
      if (readOid(parts[0], 'extnID') !== OID.ocspNonce) continue;
      const value = expectTag(parts[parts.length - 1], TAG.OCTET_STRING, 'extnValue').content;
      nonce = expectTag(parseDer(value), TAG.OCTET_STRING, 'Nonce').content;
    }
  }
  if (i !== tbs.length) fail('ResponseData: unexpected trailing fields');
  const certificates: Uint8Array[] = [];
  if (certsNode) for (const c of sequence(children(expectTag(certsNode, 0xa0, 'certs'))[0], 'certs')) certificates.push(c.der);
  const bits = readBitString(sigNode, 'signature');
  if (bits.unused !== 0) fail('signature has unused bits');
  return {
    tbsResponseData: expectTag(tbsNode, TAG.SEQUENCE, 'ResponseData').der,
    responderId,
    producedAt,
    responses,
    nonce,
    signatureAlgorithm: readSignatureAlgorithm(algNode),
    signature: bits.bytes,
    certificates,
  };
}

function parseSingle(node: DerNode): ParsedSingleResponse {
  const f = sequence(node, 'SingleResponse');
  const idNode = expectTag(f[0], TAG.SEQUENCE, 'CertID');
  const [alg, nameHash, keyHash, serial] = children(idNode);
  const hashAlgorithm = certIdHashFromOid(readOid(sequence(alg, 'hashAlgorithm')[0], 'hashAlgorithm')) ?? fail('CertID.hashAlgorithm: unsupported');
  const certId: CertId = {
    hashAlgorithm,
    issuerNameHash: expectTag(nameHash, TAG.OCTET_STRING, 'issuerNameHash').content,
    issuerKeyHash: expectTag(keyHash, TAG.OCTET_STRING, 'issuerKeyHash').content,
    serialNumber: expectTag(serial, TAG.INTEGER, 'serialNumber').content,
    der: idNode.der,
  };
  const s = f[1];
  let certStatus: CertStatus;
  if (s?.tag === 0x80 && s.content.length === 0) certStatus = { status: 'good' };
  else if (s?.tag === 0x82 && s.content.length === 0) certStatus = { status: 'unknown' };
  else if (s?.tag === 0xa1) {
    const [time, reasonNode] = children(s);
    const revokedAt = readTime(expectTag(time, TAG.GENERALIZED_TIME, 'revocationTime'), 'revocationTime');
    const reason = reasonNode ? crlReasonFromCode(readEnumerated(children(expectTag(reasonNode, 0xa0, 'revocationReason'))[0], 'CRLReason')) ?? fail('CRLReason: unknown code') : null;
    certStatus = { status: 'revoked', revokedAt, reason };
  } else return fail('certStatus: not good, revoked or unknown');
  const thisUpdate = readTime(expectTag(f[2], TAG.GENERALIZED_TIME, 'thisUpdate'), 'thisUpdate');
  let nextUpdate: Date | null = null;
  if (f[3]?.tag === 0xa0) nextUpdate = readTime(expectTag(children(f[3])[0], TAG.GENERALIZED_TIME, 'nextUpdate'), 'nextUpdate');
  return { certId, certStatus, thisUpdate, nextUpdate };
}

/**
 * Checks the signature of a BasicOCSPResponse with the public key of `responderCertificate`
 * and that ResponderID names that key. Path validation of the certificate itself is the caller's.
 */
export function verifyOcspResponseSignature(basic: ParsedBasicResponse, responderCertificate: Uint8Array): boolean {
  const parts = readCertificateParts(responderCertificate);
  if ('byKey' in basic.responderId) {
    if (!equalBytes(digest('sha1', parts.subjectPublicKey), basic.responderId.byKey)) return false;
  } else if (!equalBytes(basic.responderId.byName, parts.subject)) return false;
  return verifySignature(basic.signatureAlgorithm, parts.subjectPublicKeyInfo, basic.tbsResponseData, basic.signature);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}
