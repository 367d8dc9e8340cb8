// The contract certificate pool endpoint we serve, in the shape of the Open Plug&Charge Protocol
// (POST /v1/ccp/signedContractData), so that a CSMS which forwards Get15118EVCertificate to a
// commercial pool today can forward to us instead. The answer is always 200 with the EV's EXI
// response (its ResponseCode says whether a contract was delivered), as our OCPP handler would
// return it; responseCode repeats that code in clear for the caller's logs.
// Bearer token with the scope contracts:read (operator credentials, src/api/token-route.ts).
import type { FastifyInstance } from 'fastify';
import { protectedBy } from '../api/common-schemas.js';
import { ApiError } from '../api/errors.js';
import type { OperatorAuth } from '../api/operator-auth.js';
import { requireScope } from '../api/require-scope.js';
import { ISO15118_2_NAMESPACE, type ContractCertificateProvider } from './contract-provider.js';
import { SIGNED_CONTRACT_DATA_PATH } from './pool-forwarder.js';

export interface ContractPoolRouteDeps {
  provider: ContractCertificateProvider;
  auth: OperatorAuth;
}

interface SignedContractDataBody {
  certificateInstallationReq: string;
  xsdMsgDefNamespace?: string;
}

const bodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['certificateInstallationReq'],
  properties: {
    certificateInstallationReq: { type: 'string', minLength: 4, maxLength: 5600, pattern: '^[A-Za-z0-9+/]+={0,2}$', description: 'CertificateInstallationReq (ISO 15118-2 EXI), base64' },
    xsdMsgDefNamespace: { type: 'string', maxLength: 100, description: `the EXI schema namespace; only ${ISO15118_2_NAMESPACE}` },
  },
} as const;

const responseSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['certificateInstallationRes', 'responseCode'],
  properties: {
    certificateInstallationRes: { type: 'string', description: 'CertificateInstallationRes (ISO 15118-2 EXI) for the EV, base64' },
    responseCode: { type: 'string', description: 'the ResponseCode inside certificateInstallationRes (OK or FAILED_...)' },
  },
} as const;

export function registerContractPoolRoutes(app: FastifyInstance, deps: ContractPoolRouteDeps): void {
  const access = protectedBy('contracts:read');
  app.post<{ Body: SignedContractDataBody }>(
    SIGNED_CONTRACT_DATA_PATH,
    {
      onRequest: requireScope(deps.auth, 'contracts:read'),
      schema: {
        tags: ['contracts'],
        operationId: 'getSignedContractData',
        summary: 'Contract data for an EV (Open Plug&Charge contract certificate pool): CertificateInstallationReq in, signed CertificateInstallationRes out',
        body: bodySchema,
        security: access.security,
        response: { 200: responseSchema, ...access.response },
      },
    },
    async (req) => {
      const ns = req.body.xsdMsgDefNamespace;
      if (ns !== undefined && ns.trim() !== ISO15118_2_NAMESPACE) throw new ApiError('validation_failed', `xsdMsgDefNamespace ${JSON.stringify(ns.slice(0, 100))} is not supported; only ${ISO15118_2_NAMESPACE}`);
      const client = req.operator?.clientId ?? 'unknown';
      const result = await deps.provider.provide({ action: 'Install', exiRequest: new Uint8Array(Buffer.from(req.body.certificateInstallationReq, 'base64')), stationId: null, requester: `api:${client}` });
      return { certificateInstallationRes: Buffer.from(result.exiResponse).toString('base64'), responseCode: result.responseCode };
    },
  );
}
