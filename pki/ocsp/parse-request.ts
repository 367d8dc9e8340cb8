// OCSPRequest (RFC 6960 4.1.1) read with our strict DER reader. Whatever the bytes, the only error
// that leaves this module is PkiError('OCSP_MALFORMED_REQUEST'): the responder answers
// malformedRequest for it and never anything else.
import { PkiError } from '../errors.js';
import { children, expectTag, parseDer, readBoolean, readOid, readSmallInteger, sequence, type DerNode } from '../der/reader.js';
import { TAG } from '../der/writer.js';
import { OID } from '../oids.js';
import { CERT_ID_HASH_LENGTHS, certIdHashFromOid, type CertId } from './cert-id.js';

/**
 * Most CertIDs one request may carry. RFC 6960 sets no bound; each CertID costs a status look-up
 * and grows the signed response, so a larger request is refused as malformed rather than letting
 * one small request buy unbounded work.
 */
export const MAX_CERT_IDS = 20;

/** RFC 8954 2.1: a nonce of fewer than 1 or more than 32 octets is refused with malformedRequest. */
export const MAX_NONCE_LENGTH = 32;

/** id-pkix-ocsp-response, Acceptable Response Types (RFC 6960 4.4.3). */
const OID_ACCEPTABLE_RESPONSES = '1.3.6.1.5.5.7.48.1.4';

export interface OcspRequest {
  certIds: CertId[];
  /** The nonce value (the OCTET STRING inside extnValue, RFC 6960 4.4.1), or null when absent. */
  nonce: Uint8Array | null;
}

const fail = (what: string): never => {
  throw new PkiError('OCSP_MALFORMED_REQUEST', what);
};

export function parseOcspRequest(der: Uint8Array): OcspRequest {
  try {
    return parseStrict(der);
  } catch (err) {
    if (err instanceof PkiError && err.code === 'OCSP_MALFORMED_REQUEST') throw err;
    // The reader's MALFORMED_DER, and anything unforeseen: the contract is one code only.
    throw new PkiError('OCSP_MALFORMED_REQUEST', err instanceof Error ? err.message : 'malformed request', err);
  }
}

function parseStrict(der: Uint8Array): OcspRequest {
  const top = sequence(parseDer(der), 'OCSPRequest');
  if (top.length < 1 || top.length > 2) fail('OCSPRequest: wrong number of fields');
  // optionalSignature [0] EXPLICIT Signature: we do not require signed requests, so it is not read.
  if (top.length === 2) expectTag(top[1], 0xa0, 'optionalSignature');
  const tbs = sequence(top[0], 'tbsRequest');
  let i = 0;
  if (tbs[i]?.tag === 0xa0) {
    const [v, ...extra] = children(tbs[i++] as DerNode);
    if (extra.length || readSmallInteger(v, 'version') !== 0) fail('tbsRequest.version: only v1 is defined');
  }
  // requestorName [1] EXPLICIT GeneralName: informational only (RFC 6960 4.1.2), ignored.
  if (tbs[i]?.tag === 0xa1) i++;
  const list = sequence(tbs[i++], 'requestList');
  if (list.length === 0) fail('requestList is empty');
  if (list.length > MAX_CERT_IDS) fail(`requestList has ${list.length} entries; at most ${MAX_CERT_IDS} are served per request`);
  let nonce: Uint8Array | null = null;
  if (tbs[i]?.tag === 0xa2) nonce = readExtensions(tbs[i++] as DerNode, 'requestExtensions').nonce;
  if (i !== tbs.length) fail('tbsRequest: unexpected trailing fields');
  return { certIds: list.map(readRequest), nonce };
}

function readRequest(node: DerNode): CertId {
  const fields = sequence(node, 'Request');
  if (fields.length < 1 || fields.length > 2) fail('Request: wrong number of fields');
  // singleRequestExtensions: none defined by RFC 6960 we act on; critical unknown ones still refuse.
  if (fields.length === 2) readExtensions(expectTag(fields[1], 0xa0, 'singleRequestExtensions'), 'singleRequestExtensions', false);
  return readCertId(fields[0]);
}

function readCertId(node: DerNode | undefined): CertId {
  const certId = expectTag(node, TAG.SEQUENCE, 'CertID');
  const fields = children(certId);
  if (fields.length !== 4) fail('CertID: wrong number of fields');
  const alg = sequence(fields[0], 'CertID.hashAlgorithm');
  const hashAlgorithm = certIdHashFromOid(readOid(alg[0], 'CertID.hashAlgorithm'));
  if (!hashAlgorithm) return fail('CertID.hashAlgorithm: not SHA-1, SHA-256, SHA-384 or SHA-512');
  // Parameters absent or NULL: both are seen in the wild (RFC 5754 3 prefers absent; OpenSSL writes NULL).
  if (alg.length > 2 || (alg.length === 2 && (alg[1]?.tag !== TAG.NULL || alg[1].content.length !== 0))) fail('CertID.hashAlgorithm: unexpected parameters');
  const issuerNameHash = expectTag(fields[1], TAG.OCTET_STRING, 'issuerNameHash').content;
  const issuerKeyHash = expectTag(fields[2], TAG.OCTET_STRING, 'issuerKeyHash').content;
  const size = CERT_ID_HASH_LENGTHS[hashAlgorithm];
  if (issuerNameHash.length !== size || issuerKeyHash.length !== size) fail(`CertID: issuer hashes are not ${size} octets`);
  const serial = expectTag(fields[3], TAG.INTEGER, 'serialNumber').content;
  if (serial.length === 0) fail('serialNumber: empty');
  if (serial.length > 1 && ((serial[0] === 0 && !((serial[1] as number) & 0x80)) || (serial[0] === 0xff && (serial[1] as number) & 0x80))) fail('serialNumber: not minimally encoded');
  return { hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber: serial, der: certId.der };
}

/**
 * Extensions (RFC 5280 4.1): each type at most once; unknown ones ignored unless critical
 * (RFC 6960 4.4). Only requestExtensions may carry the nonce.
 */
function readExtensions(wrapper: DerNode, what: string, nonceAllowed = true): { nonce: Uint8Array | null } {
  const [inner, ...extra] = children(wrapper);
  if (extra.length) fail(`${what}: more than one value in the explicit tag`);
  const seen = new Set<string>();
  let nonce: Uint8Array | null = null;
  for (const ext of sequence(inner, what)) {
    const parts = sequence(ext, 'Extension');
    const id = readOid(parts[0], 'extnID');
    let at = 1;
    let critical = false;
    if (parts[at]?.tag === TAG.BOOLEAN) critical = readBoolean(parts[at++], 'critical');
    const value = expectTag(parts[at++], TAG.OCTET_STRING, 'extnValue').content;
    if (at !== parts.length) fail('Extension: unexpected trailing fields');
    if (seen.has(id)) fail(`${what}: extension ${id} appears twice`);
    seen.add(id);
    if (id === OID.ocspNonce && nonceAllowed) {
      nonce = expectTag(parseDer(value), TAG.OCTET_STRING, 'Nonce').content;
      if (nonce.length < 1 || nonce.length > MAX_NONCE_LENGTH) fail(`Nonce: ${nonce.length} octets; RFC 8954 allows 1 to ${MAX_NONCE_LENGTH}`);
    } else if (id === OID_ACCEPTABLE_RESPONSES && nonceAllowed) {
      // We only ever answer id-pkix-ocsp-basic, which every client must accept (RFC 6960 4.4.3).
      for (const type of sequence(parseDer(value), 'AcceptableResponses')) readOid(type, 'AcceptableResponses');
    } else if (critical) fail(`${what}: unsupported critical extension ${id}`);
  }
  return { nonce };
}
