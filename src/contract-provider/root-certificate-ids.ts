// Matching the EV's ListOfRootCertificateIDs (X509IssuerSerialType: X509IssuerName text and
// X509SerialNumber integer, xmldsig X509IssuerSerialType in ISO 15118-2) against real root certificates.
// Both halves arrive in more than one form in the field, so the match is tolerant on purpose:
// - X509IssuerName: RFC 4514 says most significant RDN last ("DC=V2G,C=DE,O=...,CN=V2G Root CA"),
//   OpenSSL-style writers put it first, with or without spaces. We compare the attributes as a
//   multiset (type by OID, value case-insensitive with spaces collapsed, RFC 4518 caseIgnoreMatch).
// - X509SerialNumber: the EXI spec's Integer (7.1.5) carries the serial as is. Codecs descended
//   from one widely used C implementation wrap it once more: the serial's EXI Unsigned Integer
//   octets (7-bit groups, least significant first, continuation bit set) read as one big-endian
//   number (the shared ISO 15118-2 vectors carry exactly that). We accept both readings; the
//   wrapped form of a 16-20 octet serial cannot collide with another real serial of the same issuer
//   by accident (it is longer than any serial the issuer writes by a factor of 8/7).
import { parseCertificate } from '../../pki/certificate/parse-certificate.js';
import type { IssuerSerial } from '../../pki/exi/index.js';

/** A root certificate reduced to what a root certificate ID names. */
export interface RootIdentity {
  readonly subjectKey: string;
  readonly serial: bigint;
}

const TYPE_OIDS: Readonly<Record<string, string>> = {
  CN: '2.5.4.3',
  SN: '2.5.4.4',
  SERIALNUMBER: '2.5.4.5',
  C: '2.5.4.6',
  L: '2.5.4.7',
  ST: '2.5.4.8',
  S: '2.5.4.8',
  STREET: '2.5.4.9',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  T: '2.5.4.12',
  TITLE: '2.5.4.12',
  GIVENNAME: '2.5.4.42',
  DC: '0.9.2342.19200300.100.1.25',
  UID: '0.9.2342.19200300.100.1.1',
  E: '1.2.840.113549.1.9.1',
  EMAILADDRESS: '1.2.840.113549.1.9.1',
};

const normalValue = (value: string): string => value.trim().replace(/\s+/g, ' ').toLowerCase();
const keyOf = (pairs: readonly string[]): string => [...pairs].sort().join('\u0000');

/** The comparable form of a certificate's subject or issuer. */
export function rootIdentity(der: Uint8Array): RootIdentity {
  const cert = parseCertificate(der);
  return { subjectKey: keyOf(cert.subject.map((a) => `${a.oid}=${normalValue(a.value)}`)), serial: cert.serialNumber };
}

/** The comparable form of an X509IssuerName string; null when it is not a distinguished name. */
export function issuerNameKey(text: string): string | null {
  const pairs: string[] = [];
  for (const part of splitUnescaped(text)) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    const rawType = part.slice(0, eq).trim().toUpperCase().replace(/^OID\./, '');
    const oid = TYPE_OIDS[rawType] ?? (/^\d+(\.\d+)+$/.test(rawType) ? rawType : null);
    if (oid === null) return null;
    pairs.push(`${oid}=${normalValue(unescapeValue(part.slice(eq + 1)))}`);
  }
  return pairs.length === 0 ? null : keyOf(pairs);
}

/** The serial as the vectors' codec lineage carries it (see the header comment). */
export function wrappedSerial(serial: bigint): bigint {
  let rest = serial < 0n ? -serial : serial;
  let wrapped = 0n;
  const groups: number[] = [];
  do {
    const group = Number(rest & 0x7fn);
    rest >>= 7n;
    groups.push(rest === 0n ? group : group | 0x80);
  } while (rest !== 0n);
  for (const octet of groups) wrapped = (wrapped << 8n) | BigInt(octet);
  return wrapped;
}

export function rootIdMatches(id: IssuerSerial, root: RootIdentity): boolean {
  if (id.serialNumber !== root.serial && id.serialNumber !== wrappedSerial(root.serial)) return false;
  return issuerNameKey(id.issuerName) === root.subjectKey;
}

/** True when one of the EV's root certificate IDs names this root. */
export function listNamesRoot(ids: readonly IssuerSerial[], root: RootIdentity): boolean {
  return ids.some((id) => rootIdMatches(id, root));
}

// RFC 4514 2.4: "\," "\+" "\\" ... and "\XX" hex pairs; separators are unescaped , ; +.
function splitUnescaped(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[i + 1]!;
      i++;
    } else if (ch === ',' || ch === ';' || ch === '+') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function unescapeValue(value: string): string {
  const trimmed = value.trim();
  const quoted = trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
  const bytes: number[] = [];
  for (let i = 0; i < quoted.length; i++) {
    const ch = quoted[i]!;
    if (ch === '\\' && /^[0-9a-fA-F]{2}$/.test(quoted.slice(i + 1, i + 3))) {
      bytes.push(parseInt(quoted.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (ch === '\\' && i + 1 < quoted.length) {
      bytes.push(...Buffer.from(quoted[i + 1]!, 'utf8'));
      i++;
    } else bytes.push(...Buffer.from(ch, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}
