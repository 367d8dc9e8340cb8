// Distinguished names as we issue them: one attribute per RDN, in the order given. String types per
// RFC 5280 4.1.2.4 / Appendix A: countryName PrintableString, domainComponent IA5String (RFC 4519),
// everything else UTF8String.
import { children, parseDer, readOid, readString, sequence, type DerNode } from './der/reader.js';
import { ia5String, oid, printableString, seq, setOf, utf8String } from './der/writer.js';
import { OID } from './oids.js';

export type NameAttributeType = 'CN' | 'O' | 'OU' | 'C' | 'DC';
export interface NameAttribute {
  type: NameAttributeType;
  value: string;
}
export type DistinguishedName = readonly NameAttribute[];

const TYPE_OIDS: Record<NameAttributeType, string> = {
  CN: OID.commonName,
  O: OID.organizationName,
  OU: OID.organizationalUnitName,
  C: OID.countryName,
  DC: OID.domainComponent,
};
const OID_TYPES = new Map<string, NameAttributeType>(Object.entries(TYPE_OIDS).map(([k, v]) => [v, k as NameAttributeType]));

export function encodeName(name: DistinguishedName): Uint8Array {
  return seq(
    ...name.map((a) => {
      const value = a.type === 'C' ? printableString(a.value) : a.type === 'DC' ? ia5String(a.value) : utf8String(a.value);
      return setOf(seq(oid(TYPE_OIDS[a.type]), value));
    }),
  );
}

/** A parsed name attribute; `type` is null for attribute types we do not name. */
export interface ParsedNameAttribute {
  type: NameAttributeType | null;
  oid: string;
  value: string;
  tag: number;
}

export function parseName(node: DerNode): ParsedNameAttribute[] {
  const out: ParsedNameAttribute[] = [];
  for (const rdn of sequence(node, 'Name')) {
    for (const atv of children(rdn)) {
      const [t, v] = sequence(atv, 'AttributeTypeAndValue');
      const id = readOid(t, 'attribute type');
      out.push({ type: OID_TYPES.get(id) ?? null, oid: id, value: readString(v, `attribute ${id}`), tag: v?.tag ?? 0 });
    }
  }
  return out;
}

export function parseNameDer(der: Uint8Array): ParsedNameAttribute[] {
  return parseName(parseDer(der));
}

/** The first value of an attribute type, or undefined. */
export function nameValue(name: readonly ParsedNameAttribute[] | DistinguishedName, type: NameAttributeType): string | undefined {
  return name.find((a) => a.type === type)?.value;
}

/** RFC 4514-style text, most significant RDN first as encoded (for logs and listings). */
export function formatName(name: readonly ParsedNameAttribute[] | DistinguishedName): string {
  return name.map((a) => `${a.type ?? ('oid' in a ? a.oid : '?')}=${a.value.replace(/([,+"\\<>;])/g, '\\$1')}`).join(', ');
}
