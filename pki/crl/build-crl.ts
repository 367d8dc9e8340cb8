// A complete v2 CRL (RFC 5280 5.1) for one issuing CA, hand-built with the DER writer. The list of
// revoked certificates can be large (100,000 entries is about 5 MB), so it is written in two
// passes into one preallocated buffer: sizes first, then bytes, with no per-entry arrays.
import { signatureAlgorithmId } from '../algorithms.js';
import { CRL_REASON_CODES, type CrlReason } from '../crl-reason.js';
import { authorityKeyIdentifierExt, extension } from '../certificate/extensions.js';
import { bitString, enumerated, explicit, integer, seq, time, TAG } from '../der/writer.js';
import { PkiError } from '../errors.js';
import { OID } from '../oids.js';
import type { Signer } from '../signer.js';

export interface CrlEntryInput {
  /** serialNumber INTEGER content octets, as stored and as in the certificate. */
  serial: Uint8Array;
  revokedAt: Date;
  /** null or 'unspecified': no reasonCode extension (RFC 5280 5.3.1 SHOULD). */
  reason: CrlReason | null;
}

export interface BuildCrlInput {
  /** The issuer's subject Name DER, byte for byte as in its certificate (RFC 5280 5.1.2.3). */
  issuerSubjectDer: Uint8Array;
  /** The issuer's subject key identifier, for authorityKeyIdentifier (RFC 5280 5.2.1). */
  issuerKeyIdentifier: Uint8Array;
  thisUpdate: Date;
  nextUpdate: Date;
  /** Monotonically increasing per issuer, at most 20 octets (RFC 5280 5.2.3). */
  crlNumber: bigint;
  entries: readonly CrlEntryInput[];
  /** The issuing CA's key: a CRL is signed by the CA itself, never by a delegate here. */
  signer: Signer;
}

/** RFC 5280 5.2.3: "CRL issuers MUST NOT use CRLNumber values longer than 20 octets". */
const MAX_CRL_NUMBER = (1n << 159n) - 1n;
const V2 = integer(1);

// crlEntryExtensions holding only reasonCode, one encoding per reason: SEQUENCE OF Extension.
const REASON_EXTENSIONS = new Map<CrlReason, Uint8Array>();
function reasonExtensions(reason: CrlReason): Uint8Array {
  let der = REASON_EXTENSIONS.get(reason);
  if (!der) {
    der = seq(extension(OID.cRLReason, false, enumerated(CRL_REASON_CODES[reason])));
    REASON_EXTENSIONS.set(reason, der);
  }
  return der;
}

const lengthOfLength = (n: number): number => (n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x1000000 ? 4 : 5);
const tlvSize = (contentLength: number): number => 1 + lengthOfLength(contentLength) + contentLength;

function writeHeader(out: Uint8Array, at: number, tag: number, len: number): number {
  out[at++] = tag;
  if (len < 0x80) {
    out[at++] = len;
    return at;
  }
  const n = lengthOfLength(len) - 1;
  out[at++] = 0x80 | n;
  for (let i = n - 1; i >= 0; i--) out[at++] = (len >>> (i * 8)) & 0xff;
  return at;
}

/** UTCTime through 2049, GeneralizedTime otherwise, as RFC 5280 5.1.2.6 asks of revocationDate. */
const isUtcYear = (y: number): boolean => y >= 1950 && y < 2050;

function writeDigits(out: Uint8Array, at: number, value: number, width: number): number {
  for (let i = width - 1; i >= 0; i--) {
    out[at + i] = 0x30 + (value % 10);
    value = Math.floor(value / 10);
  }
  return at + width;
}

function writeTime(out: Uint8Array, at: number, d: Date): number {
  const y = d.getUTCFullYear();
  if (isUtcYear(y)) {
    out[at++] = TAG.UTC_TIME;
    out[at++] = 13;
    at = writeDigits(out, at, y % 100, 2);
  } else {
    out[at++] = TAG.GENERALIZED_TIME;
    out[at++] = 15;
    at = writeDigits(out, at, y, 4);
  }
  at = writeDigits(out, at, d.getUTCMonth() + 1, 2);
  at = writeDigits(out, at, d.getUTCDate(), 2);
  at = writeDigits(out, at, d.getUTCHours(), 2);
  at = writeDigits(out, at, d.getUTCMinutes(), 2);
  at = writeDigits(out, at, d.getUTCSeconds(), 2);
  out[at++] = 0x5a; // 'Z'
  return at;
}

function checkSerial(s: Uint8Array, index: number): void {
  // X.690 8.3.2: minimal two's complement; a serial is positive (RFC 5280 4.1.2.2).
  const first = s[0];
  if (first === undefined || first & 0x80 || (s.length > 1 && first === 0 && !((s[1] as number) & 0x80))) {
    throw new PkiError('CRL_INVALID', `entry ${index}: serial is not a positive, minimally encoded INTEGER`);
  }
}

/** revokedCertificates (RFC 5280 5.1.2.6) as one buffer, or null when there are none. */
export function encodeRevokedCertificates(entries: readonly CrlEntryInput[]): Uint8Array | null {
  const n = entries.length;
  if (n === 0) return null;
  // Pass 1: the content length of every entry, and the list's total.
  const contentLengths = new Uint32Array(n);
  const exts: (Uint8Array | null)[] = new Array<Uint8Array | null>(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const e = entries[i] as CrlEntryInput;
    checkSerial(e.serial, i);
    if (Number.isNaN(e.revokedAt.getTime())) throw new PkiError('CRL_INVALID', `entry ${i}: invalid revocation date`);
    // removeFromCRL is for delta CRLs only (RFC 5280 5.3.1); this is a complete CRL.
    if (e.reason === 'removeFromCRL') throw new PkiError('CRL_INVALID', `entry ${i}: removeFromCRL belongs in delta CRLs`);
    const ext = e.reason === null || e.reason === 'unspecified' ? null : reasonExtensions(e.reason);
    exts[i] = ext;
    const len = tlvSize(e.serial.length) + (isUtcYear(e.revokedAt.getUTCFullYear()) ? 15 : 17) + (ext ? ext.length : 0);
    contentLengths[i] = len;
    total += tlvSize(len);
  }
  // Pass 2: the bytes.
  const out = new Uint8Array(tlvSize(total));
  let at = writeHeader(out, 0, TAG.SEQUENCE, total);
  for (let i = 0; i < n; i++) {
    const e = entries[i] as CrlEntryInput;
    at = writeHeader(out, at, TAG.SEQUENCE, contentLengths[i] as number);
    at = writeHeader(out, at, TAG.INTEGER, e.serial.length);
    out.set(e.serial, at);
    at += e.serial.length;
    at = writeTime(out, at, e.revokedAt);
    const ext = exts[i];
    if (ext) {
      out.set(ext, at);
      at += ext.length;
    }
  }
  if (at !== out.length) throw new PkiError('CRL_INVALID', 'internal: revokedCertificates length mismatch');
  return out;
}

/** TBSCertList (RFC 5280 5.1.2). */
export function encodeTbsCertList(input: Omit<BuildCrlInput, 'signer'> & { signatureAlgorithm: Signer['algorithm'] }): Uint8Array {
  if (input.crlNumber < 0n || input.crlNumber > MAX_CRL_NUMBER) throw new PkiError('CRL_INVALID', 'cRLNumber must be a non-negative integer of at most 20 octets');
  if (!(input.nextUpdate.getTime() > input.thisUpdate.getTime())) throw new PkiError('CRL_INVALID', 'nextUpdate must be later than thisUpdate');
  if (input.issuerSubjectDer[0] !== TAG.SEQUENCE) throw new PkiError('CRL_INVALID', 'issuer must be a Name (SEQUENCE)');
  const revoked = encodeRevokedCertificates(input.entries);
  // crlExtensions: AKI (5.2.1, MUST) and cRLNumber (5.2.3, MUST), both non-critical.
  const extensions = explicit(0, seq(authorityKeyIdentifierExt(input.issuerKeyIdentifier), extension(OID.cRLNumber, false, integer(input.crlNumber))));
  const head = [V2, signatureAlgorithmId(input.signatureAlgorithm), input.issuerSubjectDer, time(input.thisUpdate), time(input.nextUpdate)];
  // The list is the bulk of the CRL: one copy into the TBS, none through argument spreading of entries.
  return revoked ? seq(...head, revoked, extensions) : seq(...head, extensions);
}

/** A signed CertificateList (RFC 5280 5.1.1), DER. */
export async function buildCrl(input: BuildCrlInput): Promise<Uint8Array> {
  const { signer } = input;
  const tbs = encodeTbsCertList({ ...input, signatureAlgorithm: signer.algorithm });
  const signature = await signer.sign(tbs);
  if (!(signature instanceof Uint8Array) || signature.length === 0) throw new PkiError('BAD_SIGNATURE', 'the signer returned no signature');
  return seq(tbs, signatureAlgorithmId(signer.algorithm), bitString(signature));
}
