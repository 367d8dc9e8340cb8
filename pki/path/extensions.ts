// The extension syntax path validation reads (RFC 5280 4.1.2.9, 4.2, 5.2, 5.3): the Extensions
// list itself, GeneralNames, distribution points and reason flags. Malformed input raises
// PkiError('MALFORMED_DER'), as the DER reader does.
import { children, expectTag, parseDer, readBoolean, readNamedBits, readOid, sequence, type DerNode } from '../der/reader.js';
import { TAG } from '../der/writer.js';
import { PkiError } from '../errors.js';
import { appendRdn, readName, readRdn, type Name, type NameAttribute } from './name.js';

export interface Extension {
  oid: string;
  critical: boolean;
  /** The extnValue OCTET STRING contents: the DER of the extension's own value. */
  value: Uint8Array;
}

const fail = (what: string): never => {
  throw new PkiError('MALFORMED_DER', what);
};

/** Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension; each type at most once (RFC 5280 4.2, 5.2). */
export function readExtensions(node: DerNode, what: string): Extension[] {
  const out: Extension[] = [];
  const seen = new Set<string>();
  const list = sequence(node, what);
  if (list.length === 0) fail(`${what}: empty`);
  for (const ext of list) {
    const parts = sequence(ext, `${what} entry`);
    const oid = readOid(parts[0], `${what} extnID`);
    let i = 1;
    let critical = false;
    // DER omits critical FALSE; issuers that encode it anyway are tolerated, it changes nothing.
    if (parts[i]?.tag === TAG.BOOLEAN) critical = readBoolean(parts[i++], `${what} critical`);
    const value = expectTag(parts[i++], TAG.OCTET_STRING, `${what} extnValue`).content;
    if (parts.length !== i) fail(`${what}: trailing fields in ${oid}`);
    if (seen.has(oid)) fail(`${what}: ${oid} appears twice`);
    seen.add(oid);
    out.push({ oid, critical, value });
  }
  return out;
}

export type GeneralName =
  | { kind: 'directoryName'; name: Name }
  | { kind: 'uri' | 'dns' | 'email'; value: string }
  | { kind: 'other'; tag: number; der: Uint8Array };

const ascii = new TextDecoder('latin1');

function readGeneralName(n: DerNode): GeneralName {
  switch (n.tag) {
    case 0x81:
      return { kind: 'email', value: ascii.decode(n.content) };
    case 0x82:
      return { kind: 'dns', value: ascii.decode(n.content) };
    case 0x86:
      return { kind: 'uri', value: ascii.decode(n.content) };
    case 0xa4: {
      const [inner, extra] = children(n);
      if (extra) fail('directoryName: trailing data');
      return { kind: 'directoryName', name: readName(inner, 'directoryName') };
    }
    default:
      if ((n.tag & 0xc0) !== 0x80) fail(`GeneralName: unexpected tag 0x${n.tag.toString(16)}`);
      return { kind: 'other', tag: n.tag, der: n.der };
  }
}

/** GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName, given the node's children. */
export function readGeneralNames(nodes: readonly DerNode[], what: string): GeneralName[] {
  if (nodes.length === 0) fail(`${what}: empty GeneralNames`);
  return nodes.map(readGeneralName);
}

export function generalNamesMatch(a: readonly GeneralName[], b: readonly GeneralName[]): boolean {
  return a.some((x) => b.some((y) => generalNameEquals(x, y)));
}

function generalNameEquals(x: GeneralName, y: GeneralName): boolean {
  if (x.kind !== y.kind) return false;
  if (x.kind === 'directoryName' && y.kind === 'directoryName') return x.name.key === y.name.key;
  if (x.kind === 'other' && y.kind === 'other') return x.der.length === y.der.length && x.der.every((b, i) => b === y.der[i]);
  if ((x.kind === 'dns' || x.kind === 'email') && x.kind === y.kind) return x.value.toLowerCase() === y.value.toLowerCase();
  return 'value' in x && 'value' in y && x.value === y.value;
}

/** DistributionPointName ::= CHOICE { fullName [0] GeneralNames, nameRelativeToIssuer [1] RDN }. */
export type DistributionPointName = { fullName: GeneralName[] } | { relativeToIssuer: NameAttribute[] };

function readDistributionPointName(outer: DerNode, what: string): DistributionPointName {
  // The [0] that carries a CHOICE is explicit (X.680 31.2.7): one inner element.
  const [inner, extra] = children(outer);
  if (!inner || extra) return fail(`${what}: bad DistributionPointName`);
  if (inner.tag === 0xa0) return { fullName: readGeneralNames(children(inner), what) };
  if (inner.tag === 0xa1) return { relativeToIssuer: readRdn(inner, what) };
  return fail(`${what}: bad DistributionPointName tag`);
}

/** The GeneralNames a DistributionPointName stands for; a relative name hangs off `base`. */
export function distributionPointNames(dpn: DistributionPointName, base: Name): GeneralName[] {
  if ('fullName' in dpn) return dpn.fullName;
  return [{ kind: 'directoryName', name: appendRdn(base, dpn.relativeToIssuer) }];
}

/** ReasonFlags bits 1..8 (keyCompromise .. aACompromise) as a mask; bit 0 is unused (RFC 5280 4.2.1.13). */
export const ALL_REASONS = 0x1fe;

function readReasonFlags(n: DerNode, what: string): number {
  // [n] IMPLICIT BIT STRING: read it as a BIT STRING with its own tag.
  const bits = readNamedBits({ ...n, tag: TAG.BIT_STRING }, what);
  let mask = 0;
  for (const b of bits) if (b >= 1 && b <= 8) mask |= 1 << b;
  return mask;
}

export interface DistributionPoint {
  name: DistributionPointName | undefined;
  reasons: number | undefined;
  crlIssuer: GeneralName[] | undefined;
}

/** CRLDistributionPoints ::= SEQUENCE SIZE (1..MAX) OF DistributionPoint (RFC 5280 4.2.1.13). */
export function readCrlDistributionPoints(value: Uint8Array): DistributionPoint[] {
  const list = sequence(parseDer(value), 'cRLDistributionPoints');
  if (list.length === 0) fail('cRLDistributionPoints: empty');
  return list.map((dp) => {
    let name: DistributionPointName | undefined;
    let reasons: number | undefined;
    let crlIssuer: GeneralName[] | undefined;
    let last = -1;
    for (const f of sequence(dp, 'DistributionPoint')) {
      const slot = f.tag & 0x1f;
      if ((f.tag & 0xc0) !== 0x80 || slot <= last || slot > 2) fail('DistributionPoint: unexpected field');
      last = slot;
      if (slot === 0) name = readDistributionPointName(f, 'DistributionPoint');
      else if (slot === 1) reasons = readReasonFlags(f, 'DistributionPoint.reasons');
      else crlIssuer = readGeneralNames(children(f), 'DistributionPoint.cRLIssuer');
    }
    // RFC 5280 4.2.1.13: a DistributionPoint MUST NOT consist of only the reasons field.
    if (!name && !crlIssuer) fail('DistributionPoint: neither distributionPoint nor cRLIssuer');
    return { name, reasons, crlIssuer };
  });
}

export interface IssuingDistributionPoint {
  name: DistributionPointName | undefined;
  onlyContainsUserCerts: boolean;
  onlyContainsCACerts: boolean;
  onlySomeReasons: number | undefined;
  indirectCRL: boolean;
  onlyContainsAttributeCerts: boolean;
}

const implicitBoolean = (n: DerNode, what: string): boolean => readBoolean({ ...n, tag: TAG.BOOLEAN }, what);

/** IssuingDistributionPoint (RFC 5280 5.2.5). */
export function readIssuingDistributionPoint(value: Uint8Array): IssuingDistributionPoint {
  const idp: IssuingDistributionPoint = { name: undefined, onlyContainsUserCerts: false, onlyContainsCACerts: false, onlySomeReasons: undefined, indirectCRL: false, onlyContainsAttributeCerts: false };
  let last = -1;
  for (const f of sequence(parseDer(value), 'issuingDistributionPoint')) {
    const slot = f.tag & 0x1f;
    if ((f.tag & 0xc0) !== 0x80 || slot <= last || slot > 5) fail('issuingDistributionPoint: unexpected field');
    last = slot;
    if (slot === 0) idp.name = readDistributionPointName(f, 'issuingDistributionPoint');
    else if (slot === 1) idp.onlyContainsUserCerts = implicitBoolean(f, 'onlyContainsUserCerts');
    else if (slot === 2) idp.onlyContainsCACerts = implicitBoolean(f, 'onlyContainsCACerts');
    else if (slot === 3) idp.onlySomeReasons = readReasonFlags(f, 'onlySomeReasons');
    else if (slot === 4) idp.indirectCRL = implicitBoolean(f, 'indirectCRL');
    else idp.onlyContainsAttributeCerts = implicitBoolean(f, 'onlyContainsAttributeCerts');
  }
  // RFC 5280 5.2.5: at most one of the onlyContains* booleans may be asserted.
  if ([idp.onlyContainsUserCerts, idp.onlyContainsCACerts, idp.onlyContainsAttributeCerts].filter(Boolean).length > 1) fail('issuingDistributionPoint: more than one onlyContains flag');
  return idp;
}

/** The keyIdentifier of an AuthorityKeyIdentifier, when present (RFC 5280 4.2.1.1). */
export function readAuthorityKeyId(value: Uint8Array): Uint8Array | undefined {
  const first = sequence(parseDer(value), 'authorityKeyIdentifier')[0];
  return first?.tag === 0x80 ? first.content : undefined;
}
