// The certificate message bodies (V2G_CI_MsgBody.xsd): CertificateInstallationReq/Res and
// CertificateUpdateReq/Res.
// Each read/write function runs after the element's SE and ends with its EE.
import { ExiError } from './exi-error.js';
import { cursorFor, type ExiReader, type ExiWriter } from './exi-stream.js';
import type { Production } from './grammar.js';
import {
  KEYS,
  readCertificateChain,
  readIdentifiedBytes,
  readIdentifiedEmaid,
  readRootCertificateIds,
  writeCertificateChain,
  writeIdentifiedBytes,
  writeIdentifiedEmaid,
  writeRootCertificateIds,
} from './data-types-codec.js';
import { readBinary, readEnumeration, readInteger, writeBinary, writeEnumeration, writeInteger } from './primitives.js';
import { LIMITS, SPEC } from './schema.js';
import {
  RESPONSE_CODES,
  type CertificateInstallationRequest,
  type CertificateInstallationResponse,
  type CertificateUpdateRequest,
  type CertificateUpdateResponse,
} from './types.js';

const se = (name: string): Production => ({ kind: 'SE', name });
const AT_ID: Production = { kind: 'AT', name: 'Id' };
const EE: Production = { kind: 'EE' };

export function readInstallationRequest(r: ExiReader): CertificateInstallationRequest {
  const cursor = cursorFor(SPEC.CertificateInstallationReq);
  r.expect(cursor, AT_ID);
  const id = r.strings.read(r.bits, KEYS.bodyId);
  r.expect(cursor, se('OEMProvisioningCert'));
  const oemProvisioningCertificate = r.simple(() => readBinary(r.bits, LIMITS.certificate));
  r.expect(cursor, se('ListOfRootCertificateIDs'));
  const rootCertificateIds = readRootCertificateIds(r);
  r.expect(cursor, EE);
  return { kind: 'CertificateInstallationReq', id, oemProvisioningCertificate, rootCertificateIds };
}

export function writeInstallationRequest(w: ExiWriter, request: CertificateInstallationRequest): void {
  const cursor = cursorFor(SPEC.CertificateInstallationReq);
  w.event(cursor, AT_ID);
  w.strings.write(w.bits, KEYS.bodyId, request.id);
  w.event(cursor, se('OEMProvisioningCert'));
  w.simple(() => writeBinary(w.bits, request.oemProvisioningCertificate, LIMITS.certificate));
  w.event(cursor, se('ListOfRootCertificateIDs'));
  writeRootCertificateIds(w, request.rootCertificateIds);
  w.event(cursor, EE);
}

export function readUpdateRequest(r: ExiReader): CertificateUpdateRequest {
  const cursor = cursorFor(SPEC.CertificateUpdateReq);
  r.expect(cursor, AT_ID);
  const id = r.strings.read(r.bits, KEYS.bodyId);
  r.expect(cursor, se('ContractSignatureCertChain'));
  const contractCertificateChain = readCertificateChain(r);
  r.expect(cursor, se('eMAID'));
  const emaid = r.simple(() => r.strings.read(r.bits, KEYS.emaid));
  r.expect(cursor, se('ListOfRootCertificateIDs'));
  const rootCertificateIds = readRootCertificateIds(r);
  r.expect(cursor, EE);
  return { kind: 'CertificateUpdateReq', id, contractCertificateChain, emaid, rootCertificateIds };
}

export function writeUpdateRequest(w: ExiWriter, request: CertificateUpdateRequest): void {
  const cursor = cursorFor(SPEC.CertificateUpdateReq);
  w.event(cursor, AT_ID);
  w.strings.write(w.bits, KEYS.bodyId, request.id);
  w.event(cursor, se('ContractSignatureCertChain'));
  writeCertificateChain(w, request.contractCertificateChain);
  w.event(cursor, se('eMAID'));
  w.simple(() => w.strings.write(w.bits, KEYS.emaid, request.emaid));
  w.event(cursor, se('ListOfRootCertificateIDs'));
  writeRootCertificateIds(w, request.rootCertificateIds);
  w.event(cursor, EE);
}

type ResponseFields = Omit<CertificateInstallationResponse, 'kind'>;

// CertificateInstallationRes and CertificateUpdateRes share their first six elements.
function readResponseFields(r: ExiReader, cursor: ReturnType<typeof cursorFor>): ResponseFields {
  r.expect(cursor, se('ResponseCode'));
  const responseCode = RESPONSE_CODES[r.simple(() => readEnumeration(r.bits, RESPONSE_CODES.length))] ?? 'FAILED';
  r.expect(cursor, se('SAProvisioningCertificateChain'));
  const provisioningCertificateChain = readCertificateChain(r);
  r.expect(cursor, se('ContractSignatureCertChain'));
  const contractCertificateChain = readCertificateChain(r);
  r.expect(cursor, se('ContractSignatureEncryptedPrivateKey'));
  const encryptedPrivateKey = readIdentifiedBytes(r, LIMITS.privateKey);
  r.expect(cursor, se('DHpublickey'));
  const dhPublicKey = readIdentifiedBytes(r, LIMITS.dhPublicKey);
  r.expect(cursor, se('eMAID'));
  const emaid = readIdentifiedEmaid(r);
  return { responseCode, provisioningCertificateChain, contractCertificateChain, encryptedPrivateKey, dhPublicKey, emaid };
}

function writeResponseFields(w: ExiWriter, cursor: ReturnType<typeof cursorFor>, response: ResponseFields): void {
  const code = RESPONSE_CODES.indexOf(response.responseCode);
  if (code < 0) throw new ExiError('INVALID_MESSAGE', `unknown response code ${response.responseCode}`);
  w.event(cursor, se('ResponseCode'));
  w.simple(() => writeEnumeration(w.bits, code, RESPONSE_CODES.length));
  w.event(cursor, se('SAProvisioningCertificateChain'));
  writeCertificateChain(w, response.provisioningCertificateChain);
  w.event(cursor, se('ContractSignatureCertChain'));
  writeCertificateChain(w, response.contractCertificateChain);
  w.event(cursor, se('ContractSignatureEncryptedPrivateKey'));
  writeIdentifiedBytes(w, response.encryptedPrivateKey, LIMITS.privateKey);
  w.event(cursor, se('DHpublickey'));
  writeIdentifiedBytes(w, response.dhPublicKey, LIMITS.dhPublicKey);
  w.event(cursor, se('eMAID'));
  writeIdentifiedEmaid(w, response.emaid);
}

export function readInstallationResponse(r: ExiReader): CertificateInstallationResponse {
  const cursor = cursorFor(SPEC.CertificateInstallationRes);
  const fields = readResponseFields(r, cursor);
  r.expect(cursor, EE);
  return { kind: 'CertificateInstallationRes', ...fields };
}

export function writeInstallationResponse(w: ExiWriter, response: CertificateInstallationResponse): void {
  const cursor = cursorFor(SPEC.CertificateInstallationRes);
  writeResponseFields(w, cursor, response);
  w.event(cursor, EE);
}

export function readUpdateResponse(r: ExiReader): CertificateUpdateResponse {
  const cursor = cursorFor(SPEC.CertificateUpdateRes);
  const fields = readResponseFields(r, cursor);
  if (r.readEvent(cursor).kind === 'EE') return { kind: 'CertificateUpdateRes', ...fields };
  const retryCounter = r.simple(() => readShort(r));
  r.expect(cursor, EE);
  return { kind: 'CertificateUpdateRes', ...fields, retryCounter };
}

export function writeUpdateResponse(w: ExiWriter, response: CertificateUpdateResponse): void {
  const cursor = cursorFor(SPEC.CertificateUpdateRes);
  const { retryCounter, kind: _kind, ...fields } = response;
  writeResponseFields(w, cursor, fields);
  if (retryCounter !== undefined) {
    if (!Number.isInteger(retryCounter) || retryCounter < -32768 || retryCounter > 32767) {
      throw new ExiError('INVALID_MESSAGE', 'RetryCounter is not an xs:short');
    }
    w.event(cursor, se('RetryCounter'));
    // xs:short spans 65536 values (> 4096), so it is an Integer, not an n-bit integer (7.1.5).
    w.simple(() => writeInteger(w.bits, BigInt(retryCounter)));
  }
  w.event(cursor, EE);
}

function readShort(r: ExiReader): number {
  const value = readInteger(r.bits);
  if (value < -32768n || value > 32767n) throw new ExiError('BAD_VALUE', 'RetryCounter outside xs:short');
  return Number(value);
}
