// The forwarder to an external contract certificate pool (CCP) in the shape of the Open Plug&Charge
// Protocol: POST {baseUrl}/v1/ccp/signedContractData with
//   { "certificateInstallationReq": <base64 EXI>, "xsdMsgDefNamespace": "urn:iso:15118:2:2013:MsgDef" }
// answered 200 with { "certificateInstallationRes": <base64 EXI> } (also read from the nested
// CCPResponse.emaidContent[0].messageDef form some pools use), 404 when the pool holds no
// contract for the EV. The pool's EXI is passed on unchanged once it decodes as the response the
// EV expects; anything else becomes our own FAILED message. The pool serves installations only:
// an update (M02) is answered FAILED_NoCertificateAvailable without a round trip.
import { decodeV2gMessage, type ResponseCode } from '../../pki/exi/index.js';
import { ISO15118_2_NAMESPACE, type ContractCertificateProvider, type ContractDataResult } from './contract-provider.js';
import { buildFailureResponse } from './exi-responses.js';

export interface PoolSettings {
  readonly id: string;
  /** Base URL of the pool; the path /v1/ccp/signedContractData is appended. */
  readonly baseUrl: string;
  /** Sent as "Authorization: Bearer <token>" when given. */
  readonly bearerToken?: string;
  readonly timeoutMs: number;
}

export const SIGNED_CONTRACT_DATA_PATH = '/v1/ccp/signedContractData';

export function createPoolForwarder(pool: PoolSettings, fetchImpl: typeof fetch = fetch): ContractCertificateProvider {
  const url = `${pool.baseUrl.replace(/\/+$/, '')}${SIGNED_CONTRACT_DATA_PATH}`;

  async function failure(sessionOf: Uint8Array, kind: 'CertificateInstallationRes' | 'CertificateUpdateRes', code: ResponseCode, detail: string): Promise<ContractDataResult> {
    return { exiResponse: await buildFailureResponse(kind, sessionIdOf(sessionOf), code, null), responseCode: code, contract: null, detail: `pool ${pool.id}: ${detail}`, provider: pool.id };
  }

  return {
    id: pool.id,
    async provide(request) {
      if (request.action === 'Update') return failure(request.exiRequest, 'CertificateUpdateRes', 'FAILED_NoCertificateAvailable', 'contract updates are not served by pools');
      const kind = 'CertificateInstallationRes';
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', ...(pool.bearerToken ? { authorization: `Bearer ${pool.bearerToken}` } : {}) },
          body: JSON.stringify({ certificateInstallationReq: Buffer.from(request.exiRequest).toString('base64'), xsdMsgDefNamespace: ISO15118_2_NAMESPACE }),
          signal: AbortSignal.timeout(pool.timeoutMs),
          redirect: 'error',
        });
      } catch (err) {
        return failure(request.exiRequest, kind, 'FAILED', `unreachable (${(err as Error).name})`);
      }
      if (response.status === 404) {
        await response.body?.cancel();
        return failure(request.exiRequest, kind, 'FAILED_NoCertificateAvailable', 'no contract for this EV');
      }
      if (!response.ok) {
        await response.body?.cancel();
        return failure(request.exiRequest, kind, 'FAILED', `answered HTTP ${response.status}`);
      }
      let text: string | null;
      try {
        text = extractResponse(await response.json());
      } catch {
        text = null;
      }
      if (text === null || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return failure(request.exiRequest, kind, 'FAILED', 'answered without a base64 certificateInstallationRes');
      const exi = new Uint8Array(Buffer.from(text, 'base64'));
      try {
        const body = decodeV2gMessage(exi).body;
        if (body.kind !== kind) return failure(request.exiRequest, kind, 'FAILED', `answered a ${body.kind}`);
        return { exiResponse: exi, responseCode: body.responseCode, contract: null, detail: body.responseCode === 'OK' ? null : `pool ${pool.id} answered ${body.responseCode}`, provider: pool.id };
      } catch {
        return failure(request.exiRequest, kind, 'FAILED', 'answered EXI that is not an ISO 15118-2 CertificateInstallationRes');
      }
    },
  };
}

function extractResponse(json: unknown): string | null {
  if (typeof json !== 'object' || json === null) return null;
  const flat = (json as Record<string, unknown>)['certificateInstallationRes'];
  if (typeof flat === 'string') return flat;
  const nested = (json as { CCPResponse?: { emaidContent?: { messageDef?: { certificateInstallationRes?: unknown } }[] } }).CCPResponse?.emaidContent?.[0]?.messageDef?.certificateInstallationRes;
  return typeof nested === 'string' ? nested : null;
}

// The SessionID of the request, when it decodes, for the failure message header.
function sessionIdOf(exiRequest: Uint8Array): Uint8Array {
  try {
    return decodeV2gMessage(exiRequest).header.sessionId;
  } catch {
    return new Uint8Array(8);
  }
}
