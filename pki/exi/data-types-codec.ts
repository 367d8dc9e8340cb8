// The ISO 15118-2 data types the certificate bodies share (V2G_CI_MsgDataTypes.xsd):
// CertificateChainType, the Id-carrying simple-content types and ListOfRootCertificateIDs.
// Each read/write function runs after the element's SE and ends with its EE.
import { cursorFor, type ExiReader, type ExiWriter } from './exi-stream.js';
import type { Production } from './grammar.js';
import { readBinary, writeBinary } from './primitives.js';
import { LIMITS, NS, qname, SPEC } from './schema.js';
import type { CertificateChain, IdentifiedBytes, IdentifiedEmaid, IssuerSerial } from './types.js';
import { readIssuerSerial, writeIssuerSerial } from './xmldsig-codec.js';

const se = (name: string): Production => ({ kind: 'SE', name });
const AT_ID: Production = { kind: 'AT', name: 'Id' };
const EE: Production = { kind: 'EE' };
const CH: Production = { kind: 'CH' };

export const KEYS = {
  bodyId: qname(NS.body, 'Id'),
  typesId: qname(NS.types, 'Id'),
  emaid: qname(NS.body, 'eMAID'),
};

export function readCertificateChain(r: ExiReader): CertificateChain {
  const cursor = cursorFor(SPEC.CertificateChain);
  let id: string | undefined;
  if (r.readEvent(cursor).kind === 'AT') {
    id = r.strings.read(r.bits, KEYS.typesId);
    r.expect(cursor, se('Certificate'));
  }
  const certificate = r.simple(() => readBinary(r.bits, LIMITS.certificate));
  let subCertificates: Uint8Array[] | undefined;
  if (r.readEvent(cursor).kind === 'SE') {
    subCertificates = [];
    const list = cursorFor(SPEC.SubCertificates);
    while (r.readEvent(list).kind === 'SE') subCertificates.push(r.simple(() => readBinary(r.bits, LIMITS.certificate)));
    r.expect(cursor, EE);
  }
  return { ...(id === undefined ? {} : { id }), certificate, ...(subCertificates === undefined ? {} : { subCertificates }) };
}

export function writeCertificateChain(w: ExiWriter, chain: CertificateChain): void {
  const cursor = cursorFor(SPEC.CertificateChain);
  if (chain.id !== undefined) {
    w.event(cursor, AT_ID);
    w.strings.write(w.bits, KEYS.typesId, chain.id);
  }
  w.event(cursor, se('Certificate'));
  w.simple(() => writeBinary(w.bits, chain.certificate, LIMITS.certificate));
  if (chain.subCertificates !== undefined) {
    w.event(cursor, se('SubCertificates'));
    const list = cursorFor(SPEC.SubCertificates);
    for (const certificate of chain.subCertificates) {
      w.event(list, se('Certificate'));
      w.simple(() => writeBinary(w.bits, certificate, LIMITS.certificate));
    }
    w.event(list, EE);
  }
  w.event(cursor, EE);
}

export function readIdentifiedBytes(r: ExiReader, maxLength: number): IdentifiedBytes {
  const cursor = cursorFor(SPEC.IdentifiedValue);
  r.expect(cursor, AT_ID);
  const id = r.strings.read(r.bits, KEYS.typesId);
  r.expect(cursor, CH);
  const value = readBinary(r.bits, maxLength);
  r.expect(cursor, EE);
  return { id, value };
}

export function writeIdentifiedBytes(w: ExiWriter, value: IdentifiedBytes, maxLength: number): void {
  const cursor = cursorFor(SPEC.IdentifiedValue);
  w.event(cursor, AT_ID);
  w.strings.write(w.bits, KEYS.typesId, value.id);
  w.event(cursor, CH);
  writeBinary(w.bits, value.value, maxLength);
  w.event(cursor, EE);
}

export function readIdentifiedEmaid(r: ExiReader): IdentifiedEmaid {
  const cursor = cursorFor(SPEC.IdentifiedValue);
  r.expect(cursor, AT_ID);
  const id = r.strings.read(r.bits, KEYS.typesId);
  r.expect(cursor, CH);
  const value = r.strings.read(r.bits, KEYS.emaid);
  r.expect(cursor, EE);
  return { id, value };
}

export function writeIdentifiedEmaid(w: ExiWriter, value: IdentifiedEmaid): void {
  const cursor = cursorFor(SPEC.IdentifiedValue);
  w.event(cursor, AT_ID);
  w.strings.write(w.bits, KEYS.typesId, value.id);
  w.event(cursor, CH);
  w.strings.write(w.bits, KEYS.emaid, value.value);
  w.event(cursor, EE);
}

export function readRootCertificateIds(r: ExiReader): IssuerSerial[] {
  const cursor = cursorFor(SPEC.ListOfRootCertificateIDs);
  const out: IssuerSerial[] = [];
  while (r.readEvent(cursor).kind === 'SE') out.push(readIssuerSerial(r));
  return out;
}

export function writeRootCertificateIds(w: ExiWriter, ids: readonly IssuerSerial[]): void {
  const cursor = cursorFor(SPEC.ListOfRootCertificateIDs);
  for (const id of ids) {
    w.event(cursor, se('RootCertificateID'));
    writeIssuerSerial(w, id);
  }
  w.event(cursor, EE);
}
