// The degenerate "certs-only" SignedData (RFC 5652 5.1, RFC 5272 4.1 Simple PKI Response): a
// ContentInfo carrying certificates and nothing signed. EST (RFC 7030 4.1.3, 4.2.3) answers
// /cacerts and /simpleenroll with one. Hand-built DER on pki/der: no signer, no I/O.
//
//   ContentInfo ::= SEQUENCE { contentType id-signedData, content [0] EXPLICIT SignedData }
//   SignedData  ::= SEQUENCE {
//     version           CMSVersion (1: id-data, no attribute or other certificates, RFC 5652 5.1),
//     digestAlgorithms  SET OF (empty: nothing is signed),
//     encapContentInfo  SEQUENCE { eContentType id-data } (eContent absent),
//     certificates  [0] IMPLICIT CertificateSet OPTIONAL,
//     crls          [1] IMPLICIT RevocationInfoChoices OPTIONAL,
//     signerInfos       SET OF (empty) }
import { children, expectTag, parseDer, readOid, readSmallInteger, sequence, type DerNode } from '../der/reader.js';
import { compareBytes, explicit, integer, oid, seq, TAG, tlv } from '../der/writer.js';
import { PkiError } from '../errors.js';

/** RFC 5652 3 and 4: content types. */
export const PKCS7_OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
} as const;

export interface CertsOnly {
  /** DER certificates, in the order they are encoded. */
  certificates: Uint8Array[];
  /** DER CRLs (the CertificateList choice of RevocationInfoChoice), in the order they are encoded. */
  crls: Uint8Array[];
}

const CERTIFICATES_TAG = 0xa0;
const CRLS_TAG = 0xa1;

/**
 * [n] IMPLICIT SET OF: the encodings in ascending byte order, as DER requires of a SET OF
 * (X.690 11.6). Relying parties do not depend on the order (RFC 5652 5.1: "no particular order").
 */
function implicitSetOf(n: number, items: readonly Uint8Array[]): Uint8Array {
  return tlv(0xa0 | n, ...[...items].sort(compareBytes));
}

/** A certs-only ContentInfo (DER) holding `certificates` and, optionally, `crls`. */
export function buildCertsOnly(certificates: readonly Uint8Array[], crls: readonly Uint8Array[] = []): Uint8Array {
  for (const c of [...certificates, ...crls]) {
    // Each item goes in as it is; a non-SEQUENCE would make the whole structure unreadable.
    parseDerSequence(c);
  }
  const signedData = seq(
    integer(1),
    tlv(TAG.SET),
    seq(oid(PKCS7_OID.data)),
    ...(certificates.length > 0 ? [implicitSetOf(0, certificates)] : []),
    ...(crls.length > 0 ? [implicitSetOf(1, crls)] : []),
    tlv(TAG.SET),
  );
  return seq(oid(PKCS7_OID.signedData), explicit(0, signedData));
}

function parseDerSequence(der: Uint8Array): DerNode {
  return expectTag(parseDer(der), TAG.SEQUENCE, 'certs-only item');
}

const malformed = (what: string): never => {
  throw new PkiError('MALFORMED_DER', `certs-only: ${what}`);
};

/**
 * Reads a certs-only ContentInfo: the certificates and CRLs it carries. Anything that is not a
 * degenerate SignedData (signers present, encapsulated content, other certificate choices) is
 * refused as MALFORMED_DER; the items themselves are returned unparsed (each checked to be one
 * SEQUENCE).
 */
export function parseCertsOnly(der: Uint8Array): CertsOnly {
  const info = sequence(parseDer(der), 'ContentInfo');
  if (info.length !== 2) malformed(`ContentInfo has ${info.length} fields, expected 2`);
  if (readOid(info[0], 'contentType') !== PKCS7_OID.signedData) malformed('contentType is not id-signedData');
  const wrapped = children(expectTag(info[1], 0xa0, 'content [0]'));
  if (wrapped.length !== 1) malformed('content [0] must hold one SignedData');
  const fields = sequence(wrapped[0], 'SignedData');

  let i = 0;
  const version = readSmallInteger(fields[i++], 'version');
  // RFC 5652 5.1: 1 for this content; 3 or more would announce structures a certs-only reply has not.
  if (version !== 1) malformed(`version ${version}, expected 1`);
  if (children(expectTag(fields[i++], TAG.SET, 'digestAlgorithms')).length !== 0) malformed('digestAlgorithms is not empty');
  const encap = sequence(fields[i++], 'encapContentInfo');
  if (readOid(encap[0], 'eContentType') !== PKCS7_OID.data) malformed('eContentType is not id-data');
  // Some writers (@peculiar/x509, older PKCS#7 code) put an empty eContent there: nothing is carried,
  // so it is read as absent. Any content at all is refused.
  if (encap.length > 2 || (encap.length === 2 && !isEmptyContent(encap[1]!))) malformed('encapsulated content present');

  const out: CertsOnly = { certificates: [], crls: [] };
  if (fields[i]?.tag === CERTIFICATES_TAG) out.certificates = items(fields[i++]!, 'certificates');
  if (fields[i]?.tag === CRLS_TAG) out.crls = items(fields[i++]!, 'crls');
  if (children(expectTag(fields[i++], TAG.SET, 'signerInfos')).length !== 0) malformed('signerInfos is not empty');
  if (i !== fields.length) malformed('trailing fields in SignedData');
  return out;
}

/** eContent [0] EXPLICIT OCTET STRING holding zero octets. */
function isEmptyContent(node: DerNode): boolean {
  if (node.tag !== 0xa0) return false;
  const inner = children(node);
  return inner.length === 1 && inner[0]!.tag === TAG.OCTET_STRING && inner[0]!.content.length === 0;
}

/** The members of an IMPLICIT SET OF; only the plain Certificate / CertificateList choice is accepted. */
function items(node: DerNode, what: string): Uint8Array[] {
  return children(node).map((c, n) => {
    if (c.tag !== TAG.SEQUENCE) malformed(`${what}[${n}] is not a plain Certificate or CertificateList (tag 0x${c.tag.toString(16)})`);
    return c.der;
  });
}
