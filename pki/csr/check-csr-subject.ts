// The subject a request asks for, against the profile's subject rule and the identity the RA
// expects. The certificate we issue must pass the CSMS's own TLS checks, OCPP 2.0.1 A00.FR.405 (CN
// holds the Charging Station's unique serial number, i.e. its identity) and A00.FR.404 (O holds the
// CSO name); fixed values such as DC come from the profile (ISO 15118-2 certificate profiles).
import { TAG } from '../der/writer.js';
import type { NameAttributeType, ParsedNameAttribute } from '../names.js';
import type { SubjectRule } from '../profiles/types.js';
import { oidName, quote, type CsrDefect } from './csr-defects.js';

export interface ExpectedSubject {
  /** The station identity the request must carry in CN. */
  commonName?: string;
  /** The CSO name the request must carry in O. */
  organization?: string;
}

/**
 * RFC 5280 4.1.2.4 / Appendix A: DirectoryString values as UTF8String or PrintableString (we write
 * UTF8String), countryName as PrintableString, domainComponent as IA5String (RFC 4519 2.4).
 */
const STRING_TAGS: Record<NameAttributeType, readonly number[]> = {
  CN: [TAG.UTF8_STRING, TAG.PRINTABLE_STRING],
  O: [TAG.UTF8_STRING, TAG.PRINTABLE_STRING],
  OU: [TAG.UTF8_STRING, TAG.PRINTABLE_STRING],
  C: [TAG.PRINTABLE_STRING],
  DC: [TAG.IA5_STRING],
};
const TAG_NAMES: Readonly<Record<number, string>> = { [TAG.UTF8_STRING]: 'UTF8String', [TAG.PRINTABLE_STRING]: 'PrintableString', [TAG.IA5_STRING]: 'IA5String' };

/** X.680 41.4: the PrintableString repertoire. */
const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const IA5 = /^[\u0000-\u007f]*$/;

/** Subject defects into `out`; returns the subject in profile order (required, then optional). */
export function checkCsrSubject(subject: readonly ParsedNameAttribute[], rule: SubjectRule, expected: ExpectedSubject | undefined, out: CsrDefect[]): ParsedNameAttribute[] {
  const allowed = new Set<NameAttributeType>([...rule.required, ...rule.optional]);
  const counts = new Map<string, number>();
  for (const a of subject) counts.set(a.oid, (counts.get(a.oid) ?? 0) + 1);

  for (const a of subject) {
    if (a.type === null || !allowed.has(a.type)) out.push({ code: 'SUBJECT_UNEXPECTED_ATTRIBUTE', detail: `${a.type ?? oidName(a.oid)} is not part of this profile's subject` });
  }
  for (const [oid, n] of counts) {
    if (n > 1) out.push({ code: 'SUBJECT_DUPLICATE_ATTRIBUTE', detail: `${subject.find((a) => a.oid === oid)?.type ?? oidName(oid)} appears ${n} times` });
  }
  const present = new Set(subject.map((a) => a.type));
  const needed = new Set<NameAttributeType>(rule.required);
  if (expected?.commonName !== undefined) needed.add('CN');
  if (expected?.organization !== undefined) needed.add('O');
  for (const type of needed) if (!present.has(type)) out.push({ code: 'SUBJECT_MISSING_ATTRIBUTE', detail: `${type} is required` });

  const wanted: Partial<Record<NameAttributeType, string>> = { ...rule.fixed };
  if (expected?.commonName !== undefined) wanted.CN = expected.commonName;
  if (expected?.organization !== undefined) wanted.O = expected.organization;
  for (const a of subject) {
    if (a.type === null || !allowed.has(a.type)) continue;
    const badString = stringProblem(a.type, a);
    if (badString) out.push({ code: 'SUBJECT_BAD_STRING', detail: `${a.type}: ${badString}` });
    const fixed = rule.fixed?.[a.type];
    if (fixed !== undefined && a.value !== fixed) out.push({ code: 'SUBJECT_VALUE_MISMATCH', detail: `${a.type} ${quote(a.value)}; this profile fixes it to ${quote(fixed)}` });
    else if (wanted[a.type] !== undefined && a.value !== wanted[a.type]) {
      out.push({ code: 'SUBJECT_VALUE_MISMATCH', detail: `${a.type} ${quote(a.value)}; expected ${quote(wanted[a.type] as string)} (${a.type === 'CN' ? 'the station identity, A00.FR.405' : 'the CSO name, A00.FR.404'})` });
    }
    const max = rule.maxLength?.[a.type];
    const length = [...a.value].length;
    if (max !== undefined && length > max) out.push({ code: 'SUBJECT_VALUE_TOO_LONG', detail: `${a.type} has ${length} characters; at most ${max}` });
    if (a.type === 'CN' && rule.commonNamePattern && !fullMatch(rule.commonNamePattern, a.value)) {
      out.push({ code: 'SUBJECT_PATTERN_MISMATCH', detail: `CN ${quote(a.value)} does not match ${String(rule.commonNamePattern)}` });
    }
  }

  const ordered: ParsedNameAttribute[] = [];
  for (const type of [...rule.required, ...rule.optional]) {
    const a = subject.find((x) => x.type === type);
    if (a) ordered.push(a);
  }
  return ordered;
}

function stringProblem(type: NameAttributeType, a: ParsedNameAttribute): string | null {
  const tags = STRING_TAGS[type];
  if (!tags.includes(a.tag)) return `string type 0x${a.tag.toString(16)} where ${tags.map((t) => TAG_NAMES[t]).join(' or ')} is required`;
  if (a.value.length === 0) return 'empty value';
  if (CONTROL.test(a.value)) return 'control character in value';
  if (a.tag === TAG.PRINTABLE_STRING && !PRINTABLE.test(a.value)) return 'character outside the PrintableString set';
  if (a.tag === TAG.IA5_STRING && !IA5.test(a.value)) return 'character outside IA5String';
  if (type === 'C' && !/^[A-Z]{2}$/.test(a.value)) return 'countryName is not two upper-case letters (ISO 3166-1 alpha-2)';
  return null;
}

const anchored = new WeakMap<RegExp, RegExp>();

/** The whole value must match: a profile pattern without ^...$ must not let a prefix pass. */
function fullMatch(pattern: RegExp, value: string): boolean {
  let whole = anchored.get(pattern);
  if (!whole) {
    whole = new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace(/[gym]/g, ''));
    anchored.set(pattern, whole);
  }
  return whole.test(value);
}
