// The X.509 v3 extensions we write (RFC 5280 4.2) and decoders for the ones the linter and the
// validators read back. Encoders return the whole Extension SEQUENCE.
import { createHash } from 'node:crypto';
import { children, expectTag, parseDer, readBoolean, readNamedBits, readOid, readSmallInteger, readString, sequence, type DerNode } from '../der/reader.js';
import { boolean, ia5String, integer, namedBits, nullValue, octetString, oid, seq, tlv, TAG } from '../der/writer.js';
import { PkiError } from '../errors.js';
import { OID } from '../oids.js';
import { KEY_USAGE_BITS, type KeyUsageName } from '../profiles/types.js';

export interface RawExtension {
  oid: string;
  critical: boolean;
  /** The extnValue OCTET STRING contents (the DER of the extension's own value). */
  value: Uint8Array;
}

export function extension(id: string, critical: boolean, valueDer: Uint8Array): Uint8Array {
  return critical ? seq(oid(id), boolean(true), octetString(valueDer)) : seq(oid(id), octetString(valueDer));
}

/** RFC 5280 4.2.1.9; cA DEFAULT FALSE is omitted in DER. */
export const basicConstraintsExt = (ca: boolean, pathLen: number | null): Uint8Array =>
  extension(OID.basicConstraints, true, ca ? (pathLen === null ? seq(boolean(true)) : seq(boolean(true), integer(pathLen))) : seq());

export const keyUsageExt = (usages: readonly KeyUsageName[]): Uint8Array => extension(OID.keyUsage, true, namedBits(usages.map((u) => KEY_USAGE_BITS[u])));

export const extKeyUsageExt = (purposes: readonly string[], critical: boolean): Uint8Array => extension(OID.extKeyUsage, critical, seq(...purposes.map(oid)));

export const subjectKeyIdentifierExt = (keyId: Uint8Array): Uint8Array => extension(OID.subjectKeyIdentifier, false, octetString(keyId));

/** keyIdentifier only: [0] IMPLICIT KeyIdentifier (RFC 5280 4.2.1.1). */
export const authorityKeyIdentifierExt = (keyId: Uint8Array): Uint8Array => extension(OID.authorityKeyIdentifier, false, seq(tlv(0x80, keyId)));

/** AIA with one OCSP accessLocation, a uniformResourceIdentifier [6] (RFC 5280 4.2.2.1). */
export const authorityInfoAccessExt = (ocspUrl: string): Uint8Array =>
  extension(OID.authorityInfoAccess, false, seq(seq(oid(OID.accessOcsp), uriName(ocspUrl))));

/** One DistributionPoint with a fullName URI (RFC 5280 4.2.1.13). */
export const crlDistributionPointsExt = (crlUrl: string): Uint8Array => extension(OID.cRLDistributionPoints, false, seq(seq(tlv(0xa0, tlv(0xa0, uriName(crlUrl))))));

/** id-pkix-ocsp-nocheck: NULL (RFC 6960 4.2.2.2.1). */
export const ocspNoCheckExt = (): Uint8Array => extension(OID.ocspNoCheck, false, nullValue());

export interface AltNames {
  dns?: readonly string[];
  ip?: readonly string[];
}

/** subjectAltName with dNSName [2] and iPAddress [7] entries. */
export function subjectAltNameExt(names: AltNames, critical = false): Uint8Array {
  const entries = [...(names.dns ?? []).map((d) => tlv(0x82, new TextEncoder().encode(d))), ...(names.ip ?? []).map((ip) => tlv(0x87, ipBytes(ip)))];
  return extension(OID.subjectAltName, critical, seq(...entries));
}

function uriName(uri: string): Uint8Array {
  const s = ia5String(uri);
  s[0] = 0x86;
  return s;
}

export function ipBytes(ip: string): Uint8Array {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.every((p) => p <= 255)) return Uint8Array.from(parts);
  }
  if (ip.includes(':')) {
    const [head, tail] = ip.split('::') as [string, string | undefined];
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const fill = ip.includes('::') ? 8 - h.length - t.length : 0;
    const groups = [...h, ...Array<string>(fill).fill('0'), ...t];
    if (groups.length === 8 && groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) {
      const out = new Uint8Array(16);
      groups.forEach((g, i) => {
        const v = parseInt(g, 16);
        out[i * 2] = v >> 8;
        out[i * 2 + 1] = v & 0xff;
      });
      return out;
    }
  }
  throw new PkiError('LINT_FAILED', `not an IP address: ${ip}`);
}

/** RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING contents. */
export function keyIdentifier(spki: Uint8Array): Uint8Array {
  const parts = sequence(parseDer(spki), 'SubjectPublicKeyInfo');
  const key = expectTag(parts[1], TAG.BIT_STRING, 'subjectPublicKey').content.subarray(1);
  return new Uint8Array(createHash('sha1').update(key).digest());
}

// ---- decoders -------------------------------------------------------------------------------

export function readExtensions(node: DerNode): RawExtension[] {
  return sequence(node, 'Extensions').map((ext) => {
    const parts = sequence(ext, 'Extension');
    const id = readOid(parts[0], 'extnID');
    let critical = false;
    let valueNode = parts[1];
    if (parts[1]?.tag === TAG.BOOLEAN) {
      critical = readBoolean(parts[1], 'critical');
      if (!critical) throw new PkiError('MALFORMED_DER', `extension ${id}: critical FALSE must be omitted in DER`);
      valueNode = parts[2];
    }
    if (parts.length !== (valueNode === parts[1] ? 2 : 3)) throw new PkiError('MALFORMED_DER', `extension ${id}: unexpected fields`);
    return { oid: id, critical, value: expectTag(valueNode, TAG.OCTET_STRING, `extension ${id} value`).content };
  });
}

export function decodeBasicConstraints(value: Uint8Array): { ca: boolean; pathLen: number | null } {
  const parts = sequence(parseDer(value), 'BasicConstraints');
  let i = 0;
  let ca = false;
  if (parts[i]?.tag === TAG.BOOLEAN) ca = readBoolean(parts[i++], 'cA');
  const pathLen = parts[i] ? readSmallInteger(parts[i++], 'pathLenConstraint') : null;
  if (i !== parts.length) throw new PkiError('MALFORMED_DER', 'BasicConstraints: unexpected fields');
  return { ca, pathLen };
}

export function decodeKeyUsage(value: Uint8Array): Set<KeyUsageName> {
  const bits = readNamedBits(parseDer(value), 'KeyUsage');
  const names = new Set<KeyUsageName>();
  for (const [name, bit] of Object.entries(KEY_USAGE_BITS)) if (bits.has(bit)) names.add(name as KeyUsageName);
  return names;
}

export const decodeExtKeyUsage = (value: Uint8Array): string[] => sequence(parseDer(value), 'ExtKeyUsageSyntax').map((n) => readOid(n, 'KeyPurposeId'));

export const decodeSubjectKeyIdentifier = (value: Uint8Array): Uint8Array => expectTag(parseDer(value), TAG.OCTET_STRING, 'SubjectKeyIdentifier').content;

export function decodeAuthorityKeyIdentifier(value: Uint8Array): Uint8Array | null {
  const parts = sequence(parseDer(value), 'AuthorityKeyIdentifier');
  const keyId = parts.find((p) => p.tag === 0x80);
  return keyId ? keyId.content : null;
}

/** The URIs of the OCSP access descriptions. */
export function decodeAiaOcspUrls(value: Uint8Array): string[] {
  return sequence(parseDer(value), 'AuthorityInfoAccess').flatMap((ad) => {
    const [method, location] = sequence(ad, 'AccessDescription');
    return readOid(method, 'accessMethod') === OID.accessOcsp && location?.tag === 0x86 ? [readString(location, 'accessLocation')] : [];
  });
}

/** The fullName URIs of the distribution points. */
export function decodeCrlDistributionUrls(value: Uint8Array): string[] {
  return sequence(parseDer(value), 'CRLDistributionPoints').flatMap((dp) => {
    const name = children(dp).find((n) => n.tag === 0xa0);
    if (!name) return [];
    const full = children(name).find((n) => n.tag === 0xa0);
    if (!full) return [];
    return children(full)
      .filter((g) => g.tag === 0x86)
      .map((g) => readString(g, 'URI'));
  });
}

/** dNSName and iPAddress entries of a subjectAltName (others are skipped). */
export function decodeSubjectAltNames(value: Uint8Array): { dns: string[]; ip: string[] } {
  const out = { dns: [] as string[], ip: [] as string[] };
  for (const g of sequence(parseDer(value), 'SubjectAltName')) {
    if (g.tag === 0x82) out.dns.push(readString(g, 'dNSName'));
    else if (g.tag === 0x87 && g.content.length === 4) out.ip.push([...g.content].join('.'));
    else if (g.tag === 0x87 && g.content.length === 16) {
      const groups: string[] = [];
      for (let i = 0; i < 16; i += 2) groups.push((((g.content[i] as number) << 8) | (g.content[i + 1] as number)).toString(16));
      out.ip.push(groups.join(':'));
    }
  }
  return out;
}
