// Certificates read with our strict DER reader: the fields the CA, the linter and the responders
// need, each pointing into the input (no copies). Anything malformed is PkiError('MALFORMED_DER').
import { children, expectTag, parseDer, readBitString, readInteger, readSmallInteger, readTime, sequence, type DerNode } from '../der/reader.js';
import { TAG } from '../der/writer.js';
import { PkiError } from '../errors.js';
import { readSignatureAlgorithm, type SignatureAlgorithmOid } from '../algorithms.js';
import { parseName, type ParsedNameAttribute } from '../names.js';
import { readExtensions, type RawExtension } from './extensions.js';

export interface ParsedTbs {
  /** The TBSCertificate encoding, exactly as signed. */
  der: Uint8Array;
  version: number;
  /** serialNumber INTEGER content octets (as they appear in CertIDs and CRLs). */
  serial: Uint8Array;
  serialNumber: bigint;
  signatureAlgorithm: SignatureAlgorithmOid;
  issuerDer: Uint8Array;
  issuer: ParsedNameAttribute[];
  notBefore: Date;
  notAfter: Date;
  subjectDer: Uint8Array;
  subject: ParsedNameAttribute[];
  /** SubjectPublicKeyInfo DER. */
  spki: Uint8Array;
  extensions: RawExtension[];
}

export interface ParsedCertificate extends ParsedTbs {
  /** The whole Certificate DER. */
  certificate: Uint8Array;
  tbs: Uint8Array;
  outerSignatureAlgorithm: SignatureAlgorithmOid;
  signature: Uint8Array;
}

export function parseTbs(der: Uint8Array): ParsedTbs {
  return readTbs(parseDer(der));
}

function readTbs(node: DerNode): ParsedTbs {
  const f = sequence(node, 'TBSCertificate');
  let i = 0;
  let version = 1;
  if (f[i]?.tag === 0xa0) {
    const [v] = children(f[i]!);
    version = readSmallInteger(v, 'version') + 1;
    i++;
  }
  const serialNode = expectTag(f[i++], TAG.INTEGER, 'serialNumber');
  const serialNumber = readInteger(serialNode, 'serialNumber');
  const signatureAlgorithm = readSignatureAlgorithm(f[i++]);
  const issuerNode = expectTag(f[i++], TAG.SEQUENCE, 'issuer');
  const validity = sequence(f[i++], 'validity');
  const subjectNode = expectTag(f[i++], TAG.SEQUENCE, 'subject');
  const spki = expectTag(f[i++], TAG.SEQUENCE, 'subjectPublicKeyInfo').der;
  let extensions: RawExtension[] = [];
  for (; i < f.length; i++) {
    const n = f[i]!;
    if (n.tag === 0x81 || n.tag === 0x82) continue; // issuerUniqueID / subjectUniqueID
    if (n.tag !== 0xa3) throw new PkiError('MALFORMED_DER', `TBSCertificate: unexpected field tag 0x${n.tag.toString(16)}`);
    const inner = children(n);
    if (inner.length !== 1) throw new PkiError('MALFORMED_DER', 'extensions: expected one SEQUENCE');
    extensions = readExtensions(inner[0]!);
  }
  if (validity.length !== 2) throw new PkiError('MALFORMED_DER', 'validity: expected two times');
  return {
    der: node.der,
    version,
    serial: serialNode.content,
    serialNumber,
    signatureAlgorithm,
    issuerDer: issuerNode.der,
    issuer: parseName(issuerNode),
    notBefore: readTime(validity[0], 'notBefore'),
    notAfter: readTime(validity[1], 'notAfter'),
    subjectDer: subjectNode.der,
    subject: parseName(subjectNode),
    spki,
    extensions,
  };
}

export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const parts = sequence(parseDer(der), 'Certificate');
  if (parts.length !== 3) throw new PkiError('MALFORMED_DER', 'Certificate: expected three fields');
  const tbs = readTbs(parts[0]!);
  const { bytes, unused } = readBitString(parts[2], 'signatureValue');
  if (unused !== 0) throw new PkiError('MALFORMED_DER', 'signatureValue: unused bits');
  return { ...tbs, certificate: der, tbs: tbs.der, outerSignatureAlgorithm: readSignatureAlgorithm(parts[1]), signature: bytes };
}

export function findExtension(exts: readonly RawExtension[], id: string): RawExtension | undefined {
  return exts.find((e) => e.oid === id);
}

const PEM_RE = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Every PEM block of the given label, decoded. */
export function pemBlocks(text: string, label: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const m of text.matchAll(PEM_RE)) {
    if (m[1] !== label) continue;
    const b64 = (m[2] ?? '').replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new PkiError('MALFORMED_DER', `${label}: bad base64`);
    out.push(new Uint8Array(Buffer.from(b64, 'base64')));
  }
  return out;
}

export function toPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}
