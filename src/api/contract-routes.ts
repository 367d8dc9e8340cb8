// Contracts for operators: create eMSPs and their eMSP API clients, and create, upload, list,
// show, revoke and delete contracts on any eMSP's behalf (scopes contracts:read / contracts:write).
import type { FastifyInstance } from 'fastify';
import type { ContractService, ContractRevocationReason } from '../contracts/contract-service.js';
import { ContractError } from '../contracts/contract-error.js';
import type { EmspRow } from '../store/contracts.js';
import type { Store } from '../store/store.js';
import { contractResponses, contractProblemSchema, handleContractErrors } from './contract-problems.js';
import { readUploadParts } from './contract-input.js';
import { listContractPage, listEventPage } from './contract-pages.js';
import { presentContract } from './contract-present.js';
import {
  contractListSchema,
  contractParams,
  contractSchema,
  createContractBody,
  eventListSchema,
  listContractsQuery,
  listEventsQuery,
  revokeContractBody,
  uploadContractBody,
  type CreateContractBody,
  type ListQuery,
  type UploadContractBody,
} from './contract-schemas.js';
import { SECURITY_SCHEME } from './common-schemas.js';
import { newClientSecret } from './emsp-auth.js';
import { EMSP_SCOPES, type EmspScope } from './emsp-scopes.js';
import type { OperatorAuth } from './operator-auth.js';
import { requireScope } from './require-scope.js';

export interface ContractRouteDeps {
  contracts: ContractService;
  store: Pick<Store, 'contracts' | 'emspApi'>;
  auth: OperatorAuth;
}

const emspSchema = {
  type: 'object',
  required: ['id', 'name', 'issuerId', 'createdAt'],
  properties: { id: { type: 'string' }, name: { type: 'string' }, issuerId: { type: ['string', 'null'] }, createdAt: { type: 'string', format: 'date-time' } },
} as const;
const emspParams = { type: 'object', required: ['emspId'], additionalProperties: false, properties: { emspId: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' } } } as const;
const presentEmsp = (e: EmspRow): Record<string, unknown> => ({ id: e.id, name: e.name, issuerId: e.issuerId, createdAt: e.createdAt.toISOString() });
const actor = (clientId: string | undefined): string => `api:${clientId ?? 'unknown'}`;

export async function registerContractRoutes(app: FastifyInstance, deps: ContractRouteDeps): Promise<void> {
  const { contracts, store, auth } = deps;
  app.addSchema(contractProblemSchema);
  await app.register((scope, _opts, done) => {
    handleContractErrors(scope);
    const tags = ['contracts'];
    const read = { security: [{ [SECURITY_SCHEME]: ['contracts:read'] }] };
    const write = { security: [{ [SECURITY_SCHEME]: ['contracts:write'] }] };
    const authErrors = ['unauthorized', 'invalid_token', 'insufficient_scope', 'validation_failed'] as const;

    scope.post<{ Body: { id: string; name: string; issuerId?: string } }>(
      '/api/v1/emsps',
      {
        onRequest: requireScope(auth, 'contracts:write'),
        schema: {
          tags,
          operationId: 'createEmsp',
          summary: 'Register an eMSP (a tenant of the eMSP API)',
          ...write,
          body: {
            type: 'object',
            required: ['id', 'name'],
            additionalProperties: false,
            properties: { id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }, name: { type: 'string', minLength: 1, maxLength: 200 }, issuerId: { type: 'string', minLength: 1, maxLength: 64, description: 'The MO Sub-CA 2 issuing its contract certificates; default: --contract-issuer' } },
          },
          response: { 201: emspSchema, ...contractResponses(authErrors, ['CONTRACT_EMSP_INVALID', 'CONTRACT_EMSP_EXISTS', 'CONTRACT_ISSUER_UNAVAILABLE']) },
        },
      },
      async (req, reply) => {
        const e = await contracts.createEmsp({ id: req.body.id, name: req.body.name, issuerId: req.body.issuerId ?? null, requestedBy: actor(req.operator?.clientId) });
        return reply.code(201).header('location', `/api/v1/emsps/${e.id}`).send(presentEmsp(e));
      },
    );

    scope.get('/api/v1/emsps', { onRequest: requireScope(auth, 'contracts:read'), schema: { tags, operationId: 'listEmsps', summary: 'The eMSPs', ...read, response: { 200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: emspSchema } } }, ...contractResponses(authErrors, []) } } }, async () => ({
      items: (await store.contracts.listEmsps()).map(presentEmsp),
    }));

    scope.post<{ Params: { emspId: string }; Body: { clientId: string; scopes?: EmspScope[] } }>(
      '/api/v1/emsps/:emspId/clients',
      {
        onRequest: requireScope(auth, 'contracts:write'),
        schema: {
          tags,
          operationId: 'createEmspClient',
          summary: 'Create eMSP API client credentials; the secret is shown once',
          ...write,
          params: emspParams,
          body: {
            type: 'object',
            required: ['clientId'],
            additionalProperties: false,
            properties: { clientId: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' }, scopes: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: EMSP_SCOPES }, description: 'Default: all eMSP API scopes' } },
          },
          response: {
            201: { type: 'object', required: ['clientId', 'clientSecret', 'emspId', 'scopes'], properties: { clientId: { type: 'string' }, clientSecret: { type: 'string' }, emspId: { type: 'string' }, scopes: { type: 'array', items: { type: 'string' } } } },
            ...contractResponses(authErrors, ['CONTRACT_EMSP_UNKNOWN', 'EMSP_CLIENT_EXISTS']),
          },
        },
      },
      async (req, reply) => {
        const emsp = await store.contracts.getEmsp(req.params.emspId);
        if (!emsp) throw new ContractError('CONTRACT_EMSP_UNKNOWN', `no eMSP ${req.params.emspId}`);
        const scopes = req.body.scopes ?? [...EMSP_SCOPES];
        const { secret, hash } = await newClientSecret();
        if (!(await store.emspApi.insertClient({ clientId: req.body.clientId, emspId: emsp.id, secretHash: hash, scopes }))) throw new ContractError('EMSP_CLIENT_EXISTS', `a client ${req.body.clientId} exists`);
        req.log.info({ clientId: req.body.clientId, emspId: emsp.id, scopes }, 'eMSP API client created');
        return reply.code(201).header('cache-control', 'no-store').send({ clientId: req.body.clientId, clientSecret: secret, emspId: emsp.id, scopes });
      },
    );

    scope.delete<{ Params: { emspId: string; clientId: string } }>(
      '/api/v1/emsps/:emspId/clients/:clientId',
      {
        onRequest: requireScope(auth, 'contracts:write'),
        schema: {
          tags,
          operationId: 'disableEmspClient',
          summary: 'Disable eMSP API client credentials; their tokens stop working at once',
          ...write,
          params: { type: 'object', required: ['emspId', 'clientId'], additionalProperties: false, properties: { emspId: emspParams.properties.emspId, clientId: { type: 'string', minLength: 1, maxLength: 128 } } },
          response: { 204: { type: 'null' }, ...contractResponses(authErrors, ['EMSP_CLIENT_NOT_FOUND']) },
        },
      },
      async (req, reply) => {
        if (!(await store.emspApi.disableClient(req.params.clientId, req.params.emspId, new Date()))) throw new ContractError('EMSP_CLIENT_NOT_FOUND', `no enabled client ${req.params.clientId} of eMSP ${req.params.emspId}`);
        req.log.info({ clientId: req.params.clientId, emspId: req.params.emspId }, 'eMSP API client disabled');
        return reply.code(204).send();
      },
    );

    scope.post<{ Params: { emspId: string }; Body: CreateContractBody }>(
      '/api/v1/emsps/:emspId/contracts',
      {
        onRequest: requireScope(auth, 'contracts:write'),
        schema: {
          tags,
          operationId: 'createContract',
          summary: "Create a contract: our MO CA issues the contract certificate and its key",
          ...write,
          params: emspParams,
          body: createContractBody,
          response: { 201: contractSchema, ...contractResponses(authErrors, ['CONTRACT_EMSP_UNKNOWN', 'CONTRACT_EMAID_INVALID', 'CONTRACT_PCID_INVALID', 'CONTRACT_VALIDITY_INVALID', 'CONTRACT_ISSUER_UNAVAILABLE']) },
        },
      },
      async (req, reply) => {
        const c = await contracts.create({ emspId: req.params.emspId, emaid: req.body.emaid, pcids: req.body.pcids, validityDays: req.body.validityDays, requestedBy: actor(req.operator?.clientId) });
        return reply.code(201).header('location', `/api/v1/contracts/${c.id}`).send(presentContract(c));
      },
    );

    scope.post<{ Params: { emspId: string }; Body: UploadContractBody }>(
      '/api/v1/emsps/:emspId/contracts/upload',
      {
        onRequest: requireScope(auth, 'contracts:write'),
        schema: {
          tags,
          operationId: 'uploadContract',
          summary: 'Upload an externally issued contract certificate with its chain and key',
          ...write,
          params: emspParams,
          body: uploadContractBody,
          response: {
            201: contractSchema,
            ...contractResponses(authErrors, ['CONTRACT_EMSP_UNKNOWN', 'CONTRACT_EMAID_INVALID', 'CONTRACT_EMAID_MISMATCH', 'CONTRACT_PCID_INVALID', 'CONTRACT_CERTIFICATE_INVALID', 'CONTRACT_CHAIN_UNTRUSTED', 'CONTRACT_KEY_INVALID', 'CONTRACT_KEY_MISMATCH']),
          },
        },
      },
      async (req, reply) => {
        const parts = readUploadParts(req.body);
        const c = await contracts.upload({ emspId: req.params.emspId, emaid: req.body.emaid, pcids: req.body.pcids, ...parts, requestedBy: actor(req.operator?.clientId) });
        return reply.code(201).header('location', `/api/v1/contracts/${c.id}`).send(presentContract(c));
      },
    );

    scope.get<{ Params: { emspId: string }; Querystring: ListQuery }>(
      '/api/v1/emsps/:emspId/contracts',
      { onRequest: requireScope(auth, 'contracts:read'), schema: { tags, operationId: 'listContracts', summary: "An eMSP's contracts, oldest first", ...read, params: emspParams, querystring: listContractsQuery, response: { 200: contractListSchema, ...contractResponses(authErrors, ['CONTRACT_EMSP_UNKNOWN']) } } },
      async (req) => listContractPage(contracts, req.params.emspId, req.query),
    );

    scope.get<{ Params: { emspId: string }; Querystring: ListQuery }>(
      '/api/v1/emsps/:emspId/events',
      { onRequest: requireScope(auth, 'contracts:read'), schema: { tags, operationId: 'listContractEvents', summary: "An eMSP's contract events, oldest first", ...read, params: emspParams, querystring: listEventsQuery, response: { 200: eventListSchema, ...contractResponses(authErrors, ['CONTRACT_EMSP_UNKNOWN']) } } },
      async (req) => {
        if (!(await store.contracts.getEmsp(req.params.emspId))) throw new ContractError('CONTRACT_EMSP_UNKNOWN', `no eMSP ${req.params.emspId}`);
        return listEventPage(store, req.params.emspId, req.query);
      },
    );

    scope.get<{ Params: { id: string } }>(
      '/api/v1/contracts/:id',
      { onRequest: requireScope(auth, 'contracts:read'), schema: { tags, operationId: 'getContract', summary: 'One contract (of any eMSP)', ...read, params: contractParams, response: { 200: contractSchema, ...contractResponses(authErrors, ['CONTRACT_NOT_FOUND']) } } },
      async (req) => presentContract(await contracts.get(req.params.id)),
    );

    scope.post<{ Params: { id: string }; Body: { reason?: ContractRevocationReason } | undefined }>(
      '/api/v1/contracts/:id/revoke',
      {
        onRequest: requireScope(auth, 'contracts:write'),
        schema: { tags, operationId: 'revokeContract', summary: 'Revoke a contract; OCSP answers revoked at once for certificates we issued', ...write, params: contractParams, body: revokeContractBody, response: { 200: contractSchema, ...contractResponses(authErrors, ['CONTRACT_NOT_FOUND', 'CONTRACT_REVOKED']) } },
      },
      async (req) => presentContract(await contracts.revoke(req.params.id, { reason: req.body?.reason ?? 'cessationOfOperation', requestedBy: actor(req.operator?.clientId) })),
    );

    scope.delete<{ Params: { id: string } }>(
      '/api/v1/contracts/:id',
      { onRequest: requireScope(auth, 'contracts:write'), schema: { tags, operationId: 'deleteContract', summary: 'Delete a contract (its certificate we issued is revoked first)', ...write, params: contractParams, response: { 200: contractSchema, ...contractResponses(authErrors, ['CONTRACT_NOT_FOUND']) } } },
      async (req) => presentContract(await contracts.delete(req.params.id, { requestedBy: actor(req.operator?.clientId) })),
    );
    done();
  });
}
