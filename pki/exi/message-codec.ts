// A whole V2G_Message as an EXI document (EXI 1.0 8.5.1 document grammar, then the element
// grammars): what OCPP 2.0.1 carries base64-encoded in exiRequest / exiResponse.
import {
  readInstallationRequest,
  readInstallationResponse,
  readUpdateRequest,
  readUpdateResponse,
  writeInstallationRequest,
  writeInstallationResponse,
  writeUpdateRequest,
  writeUpdateResponse,
} from './body-codec.js';
import { asExiError, ExiError } from './exi-error.js';
import { cursorFor, ExiReader, ExiWriter } from './exi-stream.js';
import type { Production } from './grammar.js';
import { readBinary, readEnumeration, writeBinary, writeEnumeration } from './primitives.js';
import { DOCUMENT, LIMITS, NS, qname, SPEC } from './schema.js';
import { FAULT_CODES, type MessageBody, type MessageHeader, type Notification, type V2gMessage } from './types.js';
import { readSignature, writeSignature } from './xmldsig-codec.js';

const se = (name: string): Production => ({ kind: 'SE', name });
const EE: Production = { kind: 'EE' };
const FAULT_MSG = qname(NS.types, 'FaultMsg');

// Decoding is written to fail only with ExiError on any input; the property test checks that
// claim instead of a catch-all here hiding bugs behind a generic code.
export function decodeV2gMessage(bytes: Uint8Array): V2gMessage {
  const r = new ExiReader(bytes);
  // DocContent: SE(V2G_Message) among the global elements; SD and ED take no bits.
  if (r.readCode(DOCUMENT.count) !== DOCUMENT.v2gMessage) {
    throw new ExiError('UNSUPPORTED_EVENT', 'the document element is not V2G_Message');
  }
  const cursor = cursorFor(SPEC.V2G_Message);
  r.expect(cursor, se('Header'));
  const header = readHeader(r);
  r.expect(cursor, se('Body'));
  const body = readBody(r);
  r.expect(cursor, EE);
  r.expectEnd();
  return { header, body };
}

export function encodeV2gMessage(message: V2gMessage): Uint8Array {
  try {
    const w = new ExiWriter();
    w.writeCode(DOCUMENT.v2gMessage, DOCUMENT.count);
    const cursor = cursorFor(SPEC.V2G_Message);
    w.event(cursor, se('Header'));
    writeHeader(w, message.header);
    w.event(cursor, se('Body'));
    writeBody(w, message.body);
    w.event(cursor, EE);
    return w.toBytes();
  } catch (error) {
    throw asExiError(error);
  }
}

function readHeader(r: ExiReader): MessageHeader {
  const cursor = cursorFor(SPEC.MessageHeader);
  r.expect(cursor, se('SessionID'));
  const sessionId = r.simple(() => readBinary(r.bits, LIMITS.sessionId));
  let notification: Notification | undefined;
  let event = r.readEvent(cursor);
  if (event.kind === 'SE' && event.name === 'Notification') {
    notification = readNotification(r);
    event = r.readEvent(cursor);
  }
  if (event.kind === 'EE') return { sessionId, ...(notification === undefined ? {} : { notification }) };
  const signature = readSignature(r);
  r.expect(cursor, EE);
  return { sessionId, ...(notification === undefined ? {} : { notification }), signature };
}

function writeHeader(w: ExiWriter, header: MessageHeader): void {
  const cursor = cursorFor(SPEC.MessageHeader);
  w.event(cursor, se('SessionID'));
  w.simple(() => writeBinary(w.bits, header.sessionId, LIMITS.sessionId));
  if (header.notification !== undefined) {
    w.event(cursor, se('Notification'));
    writeNotification(w, header.notification);
  }
  if (header.signature !== undefined) {
    w.event(cursor, se('Signature'));
    writeSignature(w, header.signature);
  }
  w.event(cursor, EE);
}

function readNotification(r: ExiReader): Notification {
  const cursor = cursorFor(SPEC.Notification);
  r.expect(cursor, se('FaultCode'));
  const faultCode = FAULT_CODES[r.simple(() => readEnumeration(r.bits, FAULT_CODES.length))] ?? 'UnknownError';
  if (r.readEvent(cursor).kind === 'EE') return { faultCode };
  const faultMessage = r.simple(() => r.strings.read(r.bits, FAULT_MSG));
  r.expect(cursor, EE);
  return { faultCode, faultMessage };
}

function writeNotification(w: ExiWriter, notification: Notification): void {
  const code = FAULT_CODES.indexOf(notification.faultCode);
  if (code < 0) throw new ExiError('INVALID_MESSAGE', `unknown fault code ${notification.faultCode}`);
  const cursor = cursorFor(SPEC.Notification);
  w.event(cursor, se('FaultCode'));
  w.simple(() => writeEnumeration(w.bits, code, FAULT_CODES.length));
  if (notification.faultMessage !== undefined) {
    w.event(cursor, se('FaultMsg'));
    w.simple(() => w.strings.write(w.bits, FAULT_MSG, notification.faultMessage ?? ''));
  }
  w.event(cursor, EE);
}

function readBody(r: ExiReader): MessageBody {
  const cursor = cursorFor(SPEC.Body);
  const event = r.readEvent(cursor);
  if (event.kind !== 'SE') throw new ExiError('UNSUPPORTED_EVENT', 'empty Body');
  let body: MessageBody;
  switch (event.name) {
    case 'CertificateInstallationReq':
      body = readInstallationRequest(r);
      break;
    case 'CertificateInstallationRes':
      body = readInstallationResponse(r);
      break;
    case 'CertificateUpdateReq':
      body = readUpdateRequest(r);
      break;
    case 'CertificateUpdateRes':
      body = readUpdateResponse(r);
      break;
    default:
      throw new ExiError('UNSUPPORTED_EVENT', `body ${event.name} is not a certificate message`);
  }
  r.expect(cursor, EE);
  return body;
}

function writeBody(w: ExiWriter, body: MessageBody): void {
  const cursor = cursorFor(SPEC.Body);
  w.event(cursor, se(body.kind));
  switch (body.kind) {
    case 'CertificateInstallationReq':
      writeInstallationRequest(w, body);
      break;
    case 'CertificateInstallationRes':
      writeInstallationResponse(w, body);
      break;
    case 'CertificateUpdateReq':
      writeUpdateRequest(w, body);
      break;
    case 'CertificateUpdateRes':
      writeUpdateResponse(w, body);
      break;
  }
  w.event(cursor, EE);
}
