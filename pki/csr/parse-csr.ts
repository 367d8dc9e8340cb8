// PKCS#10 certification requests (RFC 2986) on our strict DER reader. Parsing says what a request
// holds; whether we accept it is check-csr.ts. Bad input raises PkiError and nothing else:
//   MALFORMED_DER  the bytes are not the DER they claim to be (truncated, wrong tag, bad length, a
//                  DEFAULT value encoded, an extension value that is not DER, ...);
//   CSR_REJECTED   well-formed DER that is no acceptable request (two extensionRequest attributes,
//                  an extensionRequest with other than one value, the same extension twice).
// Content rules (version, key, subject, requested extensions) are defects for checkCsr, so that a
// rejection can name all of them at once.
import { readSignatureAlgorithm, type SignatureAlgorithmOid } from '../algorithms.js';
import { children, expectTag, parseDer, readBitString, readBoolean, readNamedBits, readOid, readSmallInteger, sequence, type DerNode } from '../der/reader.js';
import { TAG } from '../der/writer.js';
import { PkiError } from '../errors.js';
import { parseName, type ParsedNameAttribute } from '../names.js';
import { OID } from '../oids.js';
import { KEY_USAGE_BITS, type KeyUsageName } from '../profiles/types.js';

/** An attribute of the request (RFC 2986 4.1): its type and each value's DER. */
export interface CsrAttribute {
  oid: string;
  values: readonly Uint8Array[];
}

/** One extension asked for in an extensionRequest attribute (RFC 2985 5.4.2). */
export interface RequestedExtension {
  oid: string;
  critical: boolean;
  /** The DER inside extnValue (the OCTET STRING's contents). */
  value: Uint8Array;
}

export interface ParsedCsr {
  /** The whole request as received. */
  der: Uint8Array;
  /** 0 for v1, the only version RFC 2986 defines; checkCsr reports anything else. */
  version: number;
  subject: ParsedNameAttribute[];
  subjectDer: Uint8Array;
  /** SubjectPublicKeyInfo, DER. */
  publicKey: Uint8Array;
  /** The certificationRequestInfo DER exactly as signed. */
  certificationRequestInfo: Uint8Array;
  signatureAlgorithm: SignatureAlgorithmOid;
  /** The AlgorithmIdentifier's parameters (DER), or null when absent. */
  signatureAlgorithmParameters: Uint8Array | null;
  signature: Uint8Array;
  attributes: CsrAttribute[];
  requestedExtensions: RequestedExtension[];
  /** Decoded basicConstraints from the extensionRequest, null when not requested. */
  requestedBasicConstraints: { ca: boolean; pathLen: number | null } | null;
  /** Decoded keyUsage from the extensionRequest, null when not requested. */
  requestedKeyUsage: KeyUsageName[] | null;
}

const malformed = (what: string): never => {
  throw new PkiError('MALFORMED_DER', what);
};
const rejected = (what: string): never => {
  throw new PkiError('CSR_REJECTED', what);
};

/** [0] IMPLICIT SET OF Attribute (RFC 2986 4.1): constructed, context tag 0. */
const ATTRIBUTES_TAG = 0xa0;

export function parseCsr(der: Uint8Array): ParsedCsr {
  // CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature }
  const top = sequence(parseDer(der), 'CertificationRequest');
  if (top.length !== 3) malformed(`CertificationRequest: expected 3 fields, found ${top.length}`);
  const [infoNode, algNode, sigNode] = top as [DerNode, DerNode, DerNode];

  // CertificationRequestInfo ::= SEQUENCE { version, subject, subjectPKInfo, attributes [0] }
  const info = sequence(infoNode, 'CertificationRequestInfo');
  if (info.length !== 4) malformed(`CertificationRequestInfo: expected 4 fields, found ${info.length}`);
  const [versionNode, subjectNode, spkiNode, attributesNode] = info as [DerNode, DerNode, DerNode, DerNode];
  const version = readSmallInteger(versionNode, 'version');
  checkNameShape(subjectNode);
  const subject = parseName(subjectNode);
  checkSpkiShape(spkiNode);
  const attributes = readAttributes(expectTag(attributesNode, ATTRIBUTES_TAG, 'attributes [0]'));

  const algParts = sequence(algNode, 'signatureAlgorithm');
  if (algParts.length < 1 || algParts.length > 2) malformed('signatureAlgorithm: expected an OID and at most one parameter');
  const signatureAlgorithm = readSignatureAlgorithm(algNode);
  const signature = readBitString(sigNode, 'signature');
  if (signature.unused !== 0) malformed('signature: a BIT STRING with unused bits');

  const requestedExtensions = readExtensionRequest(attributes);
  const basic = requestedExtensions.find((e) => e.oid === OID.basicConstraints);
  const keyUsage = requestedExtensions.find((e) => e.oid === OID.keyUsage);
  return {
    der,
    version,
    subject,
    subjectDer: subjectNode.der,
    publicKey: spkiNode.der,
    certificationRequestInfo: infoNode.der,
    signatureAlgorithm,
    signatureAlgorithmParameters: algParts[1]?.der ?? null,
    signature: signature.bytes,
    attributes,
    requestedExtensions,
    requestedBasicConstraints: basic ? readBasicConstraints(basic.value) : null,
    requestedKeyUsage: keyUsage ? readKeyUsage(keyUsage.value) : null,
  };
}

/** Name ::= SEQUENCE OF SET SIZE (1..MAX) OF SEQUENCE { type, value } (RFC 5280 4.1.2.4). */
function checkNameShape(node: DerNode): void {
  for (const rdn of sequence(node, 'subject')) {
    const atvs = children(expectTag(rdn, TAG.SET, 'RelativeDistinguishedName'));
    if (atvs.length === 0) malformed('RelativeDistinguishedName: empty');
    for (const atv of atvs) if (sequence(atv, 'AttributeTypeAndValue').length !== 2) malformed('AttributeTypeAndValue: expected type and value');
  }
}

/** SubjectPublicKeyInfo ::= SEQUENCE { AlgorithmIdentifier, BIT STRING } (RFC 5280 4.1.2.7). */
function checkSpkiShape(node: DerNode): void {
  const parts = sequence(node, 'subjectPKInfo');
  if (parts.length !== 2) malformed('subjectPKInfo: expected algorithm and key');
  const alg = sequence(parts[0], 'subjectPKInfo.algorithm');
  if (alg.length < 1 || alg.length > 2) malformed('subjectPKInfo.algorithm: expected an OID and at most one parameter');
  readOid(alg[0], 'subjectPKInfo.algorithm');
  if (readBitString(parts[1], 'subjectPublicKey').unused !== 0) malformed('subjectPublicKey: a BIT STRING with unused bits');
}

/** Attribute ::= SEQUENCE { type OID, values SET SIZE (1..MAX) OF value } (RFC 2986 4.1). */
function readAttributes(node: DerNode): CsrAttribute[] {
  return children(node).map((attribute) => {
    const parts = sequence(attribute, 'Attribute');
    if (parts.length !== 2) malformed('Attribute: expected type and values');
    const oid = readOid(parts[0], 'Attribute.type');
    const values = children(expectTag(parts[1], TAG.SET, `Attribute ${oid} values`)).map((v) => v.der);
    if (values.length === 0) malformed(`Attribute ${oid}: no values`);
    return { oid, values };
  });
}

/** RFC 2985 5.4.2: extensionRequest is SINGLE VALUE; its value is Extensions (RFC 5280 4.1). */
function readExtensionRequest(attributes: readonly CsrAttribute[]): RequestedExtension[] {
  const requests = attributes.filter((a) => a.oid === OID.extensionRequest);
  if (requests.length === 0) return [];
  if (requests.length > 1) rejected('more than one extensionRequest attribute');
  const values = (requests[0] as CsrAttribute).values;
  if (values.length !== 1) rejected(`extensionRequest has ${values.length} values; RFC 2985 allows one`);
  const out: RequestedExtension[] = [];
  for (const extension of sequence(parseDer(values[0] as Uint8Array), 'Extensions')) {
    const parts = sequence(extension, 'Extension');
    if (parts.length < 2 || parts.length > 3) malformed('Extension: expected extnID, critical, extnValue');
    const oid = readOid(parts[0], 'extnID');
    let critical = false;
    if (parts.length === 3) {
      critical = readBoolean(parts[1], `extension ${oid} critical`);
      // X.690 11.5: a DER encoding omits a value equal to its DEFAULT.
      if (!critical) malformed(`extension ${oid}: critical FALSE encoded explicitly`);
    }
    const value = expectTag(parts[parts.length - 1], TAG.OCTET_STRING, `extension ${oid} extnValue`).content;
    parseDer(value); // RFC 5280 4.1: extnValue holds one DER value, known extension or not.
    if (out.some((e) => e.oid === oid)) rejected(`extension ${oid} requested twice`);
    out.push({ oid, critical, value });
  }
  return out;
}

/** BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL } */
function readBasicConstraints(value: Uint8Array): { ca: boolean; pathLen: number | null } {
  const parts = sequence(parseDer(value), 'basicConstraints');
  let at = 0;
  let ca = false;
  if (parts[at]?.tag === TAG.BOOLEAN) {
    ca = readBoolean(parts[at], 'basicConstraints.cA');
    if (!ca) malformed('basicConstraints: cA FALSE encoded explicitly');
    at++;
  }
  let pathLen: number | null = null;
  if (parts[at]) {
    pathLen = readSmallInteger(parts[at], 'basicConstraints.pathLenConstraint');
    if (pathLen < 0) malformed('basicConstraints: negative pathLenConstraint');
    at++;
  }
  if (at !== parts.length) malformed('basicConstraints: unexpected fields');
  return { ca, pathLen };
}

const KEY_USAGE_NAMES = Object.entries(KEY_USAGE_BITS) as [KeyUsageName, number][];

/** KeyUsage ::= BIT STRING (RFC 5280 4.2.1.3); bits beyond decipherOnly have no name and are ignored. */
function readKeyUsage(value: Uint8Array): KeyUsageName[] {
  const bits = readNamedBits(parseDer(value), 'keyUsage');
  return KEY_USAGE_NAMES.filter(([, bit]) => bits.has(bit)).map(([name]) => name);
}
