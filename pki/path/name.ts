// Distinguished names as path validation needs them: the RDN structure and string types kept, and
// a comparison key built per RFC 5280 7.1, which asks for the LDAP StringPrep profile (RFC 4518):
// string attributes compare case-insensitively with insignificant space removed, across string
// types (PKITS 4.3.10: a CA rolls its name over from PrintableString to UTF8String), and an RDN is a
// set, so multi-valued RDNs compare in any order. Non-string values compare as exact DER.
import { children, readOid, sequence, type DerNode } from '../der/reader.js';
import { bytesToHex } from '../der/writer.js';
import { PkiError } from '../errors.js';

export interface NameAttribute {
  oid: string;
  /** The value's tag (PrintableString 0x13, UTF8String 0x0c, ...). */
  tag: number;
  content: Uint8Array;
}

export interface Name {
  /** The Name encoding as it appears in the certificate or CRL (empty for names we construct). */
  der: Uint8Array;
  rdns: readonly (readonly NameAttribute[])[];
  /** Equal keys mean equal names under RFC 5280 7.1. */
  key: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');
const utf16be = new TextDecoder('utf-16be', { fatal: true });

/** The characters of a directory string, or undefined when the tag is not a string type or the bytes are not valid for it. */
function decodeString(tag: number, c: Uint8Array): string | undefined {
  try {
    switch (tag) {
      case 0x0c: // UTF8String
        return utf8.decode(c);
      case 0x12: // NumericString
      case 0x13: // PrintableString
      case 0x16: // IA5String
      case 0x1a: // VisibleString
        return c.every((b) => b < 0x80) ? latin1.decode(c) : undefined;
      case 0x14: // TeletexString: treated as Latin-1, which is what issuers actually put there
        return latin1.decode(c);
      case 0x1e: // BMPString
        return c.length % 2 === 0 ? utf16be.decode(c) : undefined;
      case 0x1c: {
        // UniversalString (UTF-32BE)
        if (c.length % 4 !== 0) return undefined;
        let s = '';
        for (let i = 0; i < c.length; i += 4) s += String.fromCodePoint((((c[i] as number) << 24) | ((c[i + 1] as number) << 16) | ((c[i + 2] as number) << 8) | (c[i + 3] as number)) >>> 0);
        return s;
      }
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

/** RFC 4518 in the approximation everyone ships: NFKC, case fold, insignificant space handling. */
function prepare(s: string): string {
  return s
    .normalize('NFKC')
    .toUpperCase()
    .toLowerCase()
    .replace(/[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/gu, ' ')
    .trim();
}

function attributeKey(a: NameAttribute): string {
  const s = decodeString(a.tag, a.content);
  return s === undefined ? `${a.oid}#${a.tag.toString(16)}:${bytesToHex(a.content)}` : `${a.oid}=${prepare(s)}`;
}

export function nameKey(rdns: readonly (readonly NameAttribute[])[]): string {
  return JSON.stringify(rdns.map((rdn) => rdn.map(attributeKey).sort()));
}

/** Reads a Name (RDNSequence). Malformed input raises PkiError('MALFORMED_DER'). */
export function readName(node: DerNode | undefined, what = 'Name'): Name {
  const rdns = sequence(node, what).map((set) => {
    if (set.tag !== 0x31) throw new PkiError('MALFORMED_DER', `${what}: RelativeDistinguishedName is not a SET`);
    return readRdn(set, what);
  });
  return { der: node?.der ?? new Uint8Array(0), rdns, key: nameKey(rdns) };
}

/** The attributes of one RDN; `set` may carry an implicit tag (nameRelativeToIssuer is [1]). */
export function readRdn(set: DerNode, what: string): NameAttribute[] {
  const atvs = children(set).map((atv) => {
    const [t, v, extra] = sequence(atv, `${what} AttributeTypeAndValue`);
    if (!v || extra) throw new PkiError('MALFORMED_DER', `${what}: bad AttributeTypeAndValue`);
    return { oid: readOid(t, `${what} attribute type`), tag: v.tag, content: v.content };
  });
  if (atvs.length === 0) throw new PkiError('MALFORMED_DER', `${what}: empty RelativeDistinguishedName`);
  return atvs;
}

/** A name with one more RDN appended (DistributionPointName.nameRelativeToIssuer, RFC 5280 4.2.1.13). */
export function appendRdn(base: Name, rdn: readonly NameAttribute[]): Name {
  const rdns = [...base.rdns, rdn];
  return { der: new Uint8Array(0), rdns, key: nameKey(rdns) };
}

export const namesMatch = (a: Name, b: Name): boolean => a.key === b.key;

/** The text of every attribute of type `oid`, most significant RDN first; undefined for a value that is not a string. */
export function attributeTexts(name: Name, oid: string): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (const rdn of name.rdns) for (const a of rdn) if (a.oid === oid) out.push(decodeString(a.tag, a.content));
  return out;
}

/** The text of the first attribute of type `oid`, or undefined when absent or not a string. */
export const attributeText = (name: Name, oid: string): string | undefined => attributeTexts(name, oid)[0];

/** RFC 4514-style text for details and logs, most significant RDN first as encoded. */
export function formatName(name: Name): string {
  const short: Record<string, string> = { '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.7': 'L', '2.5.4.8': 'ST', '0.9.2342.19200300.100.1.25': 'DC' };
  return name.rdns
    .map((rdn) =>
      rdn
        .map((a) => {
          const s = decodeString(a.tag, a.content);
          return `${short[a.oid] ?? a.oid}=${s === undefined ? `#${bytesToHex(a.content)}` : s.replace(/([,+"\\<>;])/g, '\\$1')}`;
        })
        .join('+'),
    )
    .join(', ');
}
