// M01 (install) and M02 (update) Get15118EVCertificate: the charging station forwards the EV's
// CertificateInstallationReq / CertificateUpdateReq as base64 EXI; we answer with the EV's
// response, always a well-formed exiResponse (OCPP 2.0.1 Part 2 M01/M02: exiResponse is required;
// chargers have crashed on a Failed without one). Status Accepted only when the
// ResponseCode is OK. The work is done by the contract-certificate provider (ours or a pool).
import type { Logger } from '../../log.js';
import type { CallHandler } from '../../ocpp/handler.js';
import { ISO15118_2_NAMESPACE, isSuccess, type ContractCertificateProvider } from '../../contract-provider/contract-provider.js';
import { buildFailureResponse } from '../../contract-provider/exi-responses.js';
import type { ResponseCode } from '../../../pki/exi/index.js';
import type { Get15118EVCertificateRequest, Get15118EVCertificateResponse } from '../types.js';

export interface Get15118EvCertificateDeps {
  provider: ContractCertificateProvider;
  log: Logger;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The schema versions whose EXI we read: ISO 15118-2's message namespace (compared without case or spaces). */
export function supportsSchemaVersion(version: string): boolean {
  return version.trim().toLowerCase() === ISO15118_2_NAMESPACE.toLowerCase();
}

// statusInfo.reasonCode (at most 20 characters) for each ResponseCode we produce.
const REASON: Partial<Record<ResponseCode, string>> = {
  FAILED_SignatureError: 'SignatureError',
  FAILED_CertChainError: 'CertChainError',
  FAILED_NoCertificateAvailable: 'NoCertificate',
  FAILED_CertificateExpired: 'CertificateExpired',
  FAILED_CertificateRevoked: 'CertificateRevoked',
  FAILED_ContractCanceled: 'ContractCanceled',
};

export function handleGet15118EvCertificate(deps: Get15118EvCertificateDeps): CallHandler {
  return async (ctx, req: Get15118EVCertificateRequest): Promise<Get15118EVCertificateResponse> => {
    const stationId = ctx.session.stationId;
    // Step 1: a schema we do not speak cannot be answered in EXI; the status says why.
    if (!supportsSchemaVersion(req.iso15118SchemaVersion)) {
      deps.log.info({ stationId, version: req.iso15118SchemaVersion }, 'Get15118EVCertificate for an unsupported ISO 15118 schema');
      return { status: 'Failed', exiResponse: '', statusInfo: { reasonCode: 'UnsupportedSchema', additionalInfo: `only ${ISO15118_2_NAMESPACE} is supported` } };
    }
    // Step 2: the EXI octets (bad base64 reaches the provider as nothing, and fails as bad EXI).
    const text = req.exiRequest.replace(/\s+/g, '');
    const exiRequest = BASE64.test(text) ? new Uint8Array(Buffer.from(text, 'base64')) : new Uint8Array(0);
    // Step 3: the provider's answer, or a FAILED message of our own when it throws.
    try {
      const result = await deps.provider.provide({ action: req.action, exiRequest, stationId, requester: `station:${stationId}` });
      const exiResponse = Buffer.from(result.exiResponse).toString('base64');
      if (isSuccess(result.responseCode)) return { status: 'Accepted', exiResponse };
      return { status: 'Failed', exiResponse, statusInfo: { reasonCode: REASON[result.responseCode] ?? 'Failed', ...(result.detail ? { additionalInfo: result.detail.slice(0, 512) } : {}) } };
    } catch (err) {
      deps.log.error({ err, stationId, action: req.action }, 'Get15118EVCertificate failed');
      const kind = req.action === 'Update' ? 'CertificateUpdateRes' : 'CertificateInstallationRes';
      const exiResponse = Buffer.from(await buildFailureResponse(kind, new Uint8Array(8), 'FAILED', null)).toString('base64');
      return { status: 'Failed', exiResponse, statusInfo: { reasonCode: 'InternalError' } };
    }
  };
}
