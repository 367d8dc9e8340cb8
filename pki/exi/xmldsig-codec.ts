// xmldsig-core elements inside the ISO 15118-2 header: Signature, SignedInfo, Reference and the
// X509IssuerSerial the certificate requests reuse. Each function runs after the element's SE.
import { ExiError } from './exi-error.js';
import { cursorFor, type ExiReader, type ExiWriter } from './exi-stream.js';
import type { Production, TypeSpec } from './grammar.js';
import { readBinary, readInteger, writeBinary, writeInteger } from './primitives.js';
import { NS, qname, SPEC } from './schema.js';
import type { IssuerSerial, SignatureReference, SignedInfo, XmlSignature } from './types.js';

const se = (name: string): Production => ({ kind: 'SE', name });
const at = (name: string): Production => ({ kind: 'AT', name });
const EE: Production = { kind: 'EE' };
const CH: Production = { kind: 'CH' };

const K = {
  id: qname(NS.none, 'Id'),
  algorithm: qname(NS.none, 'Algorithm'),
  uri: qname(NS.none, 'URI'),
  type: qname(NS.none, 'Type'),
  issuerName: qname(NS.dsig, 'X509IssuerName'),
};

export function readSignature(r: ExiReader): XmlSignature {
  const cursor = cursorFor(SPEC.Signature);
  let id: string | undefined;
  let event = r.readEvent(cursor);
  if (event.kind === 'AT') {
    id = r.strings.read(r.bits, K.id);
    event = r.readEvent(cursor);
  }
  if (event.kind !== 'SE' || event.name !== 'SignedInfo') throw new ExiError('UNSUPPORTED_EVENT', 'Signature without SignedInfo');
  const signedInfo = readSignedInfo(r);
  r.expect(cursor, se('SignatureValue'));
  const valueCursor = cursorFor(SPEC.SignatureValue);
  let signatureValueId: string | undefined;
  if (r.readEvent(valueCursor).kind === 'AT') {
    signatureValueId = r.strings.read(r.bits, K.id);
    r.expect(valueCursor, CH);
  }
  const signatureValue = readBinary(r.bits);
  r.expect(valueCursor, EE);
  // KeyInfo and Object are legal but unused by ISO 15118-2 [V2G2-771]: only EE is modelled.
  r.expect(cursor, EE);
  return {
    ...(id === undefined ? {} : { id }),
    signedInfo,
    signatureValue,
    ...(signatureValueId === undefined ? {} : { signatureValueId }),
  };
}

export function writeSignature(w: ExiWriter, signature: XmlSignature): void {
  const cursor = cursorFor(SPEC.Signature);
  if (signature.id !== undefined) {
    w.event(cursor, at('Id'));
    w.strings.write(w.bits, K.id, signature.id);
  }
  w.event(cursor, se('SignedInfo'));
  writeSignedInfo(w, signature.signedInfo);
  w.event(cursor, se('SignatureValue'));
  const valueCursor = cursorFor(SPEC.SignatureValue);
  if (signature.signatureValueId !== undefined) {
    w.event(valueCursor, at('Id'));
    w.strings.write(w.bits, K.id, signature.signatureValueId);
  }
  w.event(valueCursor, CH);
  writeBinary(w.bits, signature.signatureValue);
  w.event(valueCursor, EE);
  w.event(cursor, EE);
}

export function readSignedInfo(r: ExiReader): SignedInfo {
  const cursor = cursorFor(SPEC.SignedInfo);
  let id: string | undefined;
  let event = r.readEvent(cursor);
  if (event.kind === 'AT') {
    id = r.strings.read(r.bits, K.id);
    event = r.readEvent(cursor);
  }
  if (event.kind !== 'SE') throw new ExiError('UNSUPPORTED_EVENT', 'SignedInfo without CanonicalizationMethod');
  const canonicalizationMethod = readAlgorithmOnly(r, SPEC.CanonicalizationMethod);
  r.expect(cursor, se('SignatureMethod'));
  const signatureMethod = readAlgorithmOnly(r, SPEC.SignatureMethod);
  const references: SignatureReference[] = [];
  r.expect(cursor, se('Reference'));
  references.push(readReference(r));
  while (r.readEvent(cursor).kind === 'SE') references.push(readReference(r));
  return { ...(id === undefined ? {} : { id }), canonicalizationMethod, signatureMethod, references };
}

export function writeSignedInfo(w: ExiWriter, info: SignedInfo): void {
  if (info.references.length === 0) throw new ExiError('INVALID_MESSAGE', 'SignedInfo needs at least one Reference');
  const cursor = cursorFor(SPEC.SignedInfo);
  if (info.id !== undefined) {
    w.event(cursor, at('Id'));
    w.strings.write(w.bits, K.id, info.id);
  }
  w.event(cursor, se('CanonicalizationMethod'));
  writeAlgorithmOnly(w, SPEC.CanonicalizationMethod, info.canonicalizationMethod);
  w.event(cursor, se('SignatureMethod'));
  writeAlgorithmOnly(w, SPEC.SignatureMethod, info.signatureMethod);
  for (const reference of info.references) {
    w.event(cursor, se('Reference'));
    writeReference(w, reference);
  }
  w.event(cursor, EE);
}

function readReference(r: ExiReader): SignatureReference {
  const cursor = cursorFor(SPEC.Reference);
  const attributes: { id?: string; type?: string; uri?: string } = {};
  let event = r.readEvent(cursor);
  while (event.kind === 'AT') {
    if (event.name === 'Id') attributes.id = r.strings.read(r.bits, K.id);
    else if (event.name === 'Type') attributes.type = r.strings.read(r.bits, K.type);
    else attributes.uri = r.strings.read(r.bits, K.uri);
    event = r.readEvent(cursor);
  }
  let transforms: string[] | undefined;
  if (event.kind === 'SE' && event.name === 'Transforms') {
    transforms = [];
    const list = cursorFor(SPEC.Transforms);
    while (r.readEvent(list).kind === 'SE') transforms.push(readAlgorithmOnly(r, SPEC.Transform));
    event = r.readEvent(cursor);
  }
  if (event.kind !== 'SE' || event.name !== 'DigestMethod') throw new ExiError('UNSUPPORTED_EVENT', 'Reference without DigestMethod');
  const digestMethod = readAlgorithmOnly(r, SPEC.DigestMethod);
  r.expect(cursor, se('DigestValue'));
  const digestValue = r.simple(() => readBinary(r.bits));
  r.expect(cursor, EE);
  return { ...attributes, ...(transforms === undefined ? {} : { transforms }), digestMethod, digestValue };
}

function writeReference(w: ExiWriter, reference: SignatureReference): void {
  const cursor = cursorFor(SPEC.Reference);
  const attributes: [string, string, string | undefined][] = [
    ['Id', K.id, reference.id],
    ['Type', K.type, reference.type],
    ['URI', K.uri, reference.uri],
  ];
  for (const [name, key, value] of attributes) {
    if (value === undefined) continue;
    w.event(cursor, at(name));
    w.strings.write(w.bits, key, value);
  }
  if (reference.transforms !== undefined) {
    if (reference.transforms.length === 0) throw new ExiError('INVALID_MESSAGE', 'Transforms needs at least one Transform');
    w.event(cursor, se('Transforms'));
    const list = cursorFor(SPEC.Transforms);
    for (const transform of reference.transforms) {
      w.event(list, se('Transform'));
      writeAlgorithmOnly(w, SPEC.Transform, transform);
    }
    w.event(list, EE);
  }
  w.event(cursor, se('DigestMethod'));
  writeAlgorithmOnly(w, SPEC.DigestMethod, reference.digestMethod);
  w.event(cursor, se('DigestValue'));
  w.simple(() => writeBinary(w.bits, reference.digestValue));
  w.event(cursor, EE);
}

type AlgorithmSpec = TypeSpec;

// CanonicalizationMethod, SignatureMethod, Transform, DigestMethod: the Algorithm attribute and no
// content (HMACOutputLength, XPath and foreign elements are rejected as unsupported).
function readAlgorithmOnly(r: ExiReader, spec: AlgorithmSpec): string {
  const cursor = cursorFor(spec);
  r.expect(cursor, at('Algorithm'));
  const algorithm = r.strings.read(r.bits, K.algorithm);
  r.expect(cursor, EE);
  return algorithm;
}

function writeAlgorithmOnly(w: ExiWriter, spec: AlgorithmSpec, algorithm: string): void {
  const cursor = cursorFor(spec);
  w.event(cursor, at('Algorithm'));
  w.strings.write(w.bits, K.algorithm, algorithm);
  w.event(cursor, EE);
}

export function readIssuerSerial(r: ExiReader): IssuerSerial {
  const cursor = cursorFor(SPEC.X509IssuerSerial);
  r.expect(cursor, se('X509IssuerName'));
  const issuerName = r.simple(() => r.strings.read(r.bits, K.issuerName));
  r.expect(cursor, se('X509SerialNumber'));
  const serialNumber = r.simple(() => readInteger(r.bits));
  r.expect(cursor, EE);
  return { issuerName, serialNumber };
}

export function writeIssuerSerial(w: ExiWriter, value: IssuerSerial): void {
  const cursor = cursorFor(SPEC.X509IssuerSerial);
  w.event(cursor, se('X509IssuerName'));
  w.simple(() => w.strings.write(w.bits, K.issuerName, value.issuerName));
  w.event(cursor, se('X509SerialNumber'));
  w.simple(() => writeInteger(w.bits, value.serialNumber));
  w.event(cursor, EE);
}
