// PEM armour for certification requests, as SignCertificateRequest.csr carries them (OCPP 2.0.1
// A02.FR.03 / A03.FR.03: "RFC 2986 ... and then PEM encoded"). Strict about what is around the block,
// lax about whitespace inside it (RFC 7468 section 3, "lax" parsers), because stations differ in line
// endings and wrapping and some send the whole block on one line.
//   MALFORMED_DER  not one well-formed PEM block: text outside it, END label differs from BEGIN,
//                  encapsulated headers, bad or non-canonical base64;
//   CSR_REJECTED   a well-formed block that is not one certificate request: another label, or more
//                  than one block.
import { PkiError } from '../errors.js';
import { parseCsr, type ParsedCsr } from './parse-csr.js';

/** RFC 7468 section 7, and the legacy label Netscape and `openssl req -newhdr` still write. */
const CSR_LABELS: ReadonlySet<string> = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);

const BEGIN = '-----BEGIN ';
const END = '-----END ';
const DASHES = '-----';
/** RFC 7468 section 3: a label is printable ASCII without '-' at either end; we need no more. */
const LABEL = /^[!-,.-~](?:[ !-~]*[!-,.-~])?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const malformed = (what: string): never => {
  throw new PkiError('MALFORMED_DER', `PEM: ${what}`);
};

/** The DER inside exactly one CERTIFICATE REQUEST (or NEW CERTIFICATE REQUEST) PEM block. */
export function csrPemToDer(text: string): Uint8Array {
  const block = trimWhitespace(text);
  if (!block.startsWith(BEGIN)) return malformed('text before the BEGIN line, or no PEM block');
  if (block.indexOf(BEGIN, BEGIN.length) !== -1) throw new PkiError('CSR_REJECTED', 'PEM: more than one block; one certificate request expected');
  const labelEnd = block.indexOf(DASHES, BEGIN.length);
  const endAt = block.lastIndexOf(END);
  if (labelEnd === -1 || endAt === -1 || endAt < labelEnd + DASHES.length) return malformed('no END line');
  if (!block.endsWith(DASHES) || block.length - DASHES.length < endAt + END.length) return malformed('text after the END line');
  const label = block.slice(BEGIN.length, labelEnd);
  const endLabel = block.slice(endAt + END.length, block.length - DASHES.length);
  if (!LABEL.test(label)) return malformed('bad BEGIN label');
  if (endLabel !== label) return malformed(`END label "${endLabel.slice(0, 40)}" does not match BEGIN label "${label}"`);
  if (!CSR_LABELS.has(label)) throw new PkiError('CSR_REJECTED', `PEM label "${label}" is not a certificate request`);

  const body = block.slice(labelEnd + DASHES.length, endAt).replace(/[ \t\r\n]/g, '');
  if (body.length === 0) return malformed('empty body');
  if (!BASE64.test(body)) return malformed('body is not base64 (or carries RFC 1421 headers)');
  const der = Buffer.from(body, 'base64');
  // Non-zero padding bits decode "successfully" but are not canonical (RFC 4648 3.5).
  if (der.toString('base64') !== body) return malformed('base64 is not canonical');
  return new Uint8Array(der.buffer, der.byteOffset, der.byteLength);
}

const isWhitespace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;

/** Trims PEM whitespace in linear time (a /\s+$/ regex backtracks quadratically on long runs). */
function trimWhitespace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isWhitespace(text.charCodeAt(start))) start++;
  while (end > start && isWhitespace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/** Parses a PEM certificate request: csrPemToDer, then parseCsr. */
export function csrFromPem(text: string): ParsedCsr {
  return parseCsr(csrPemToDer(text));
}
