// The eMSP API under /api/v1/emsp: each eMSP sees and changes only its own contracts. The tenant
// comes from the token (never from the URL or the body), and every look-up is scoped to it: another
// eMSP's contract id answers contract_not_found, exactly as an id that does not exist.
import type { FastifyInstance } from 'fastify';
import type { ContractRevocationReason, ContractService } from '../contracts/contract-service.js';
import type { Webhooks } from '../contracts/webhooks.js';
import { EVENT_KINDS } from '../contracts/webhooks.js';
import type { Store } from '../store/store.js';
import type { WebhookRow } from '../store/emsp-api.js';
import { contractResponses, handleContractErrors } from './contract-problems.js';
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
import type { EmspAuth } from './emsp-auth.js';
import { decorateEmsp, requireEmspScope, tenantOf } from './emsp-require-scope.js';
import { EMSP_SCOPE_DESCRIPTIONS, type EmspScope } from './emsp-scopes.js';
import { EMSP_TOKEN_PATH, registerEmspTokenRoute } from './emsp-token-route.js';

export const EMSP_PREFIX = '/api/v1/emsp';
export const EMSP_SECURITY_SCHEME = 'emspToken';

export interface EmspRouteDeps {
  contracts: ContractService;
  webhooks: Webhooks;
  store: Pick<Store, 'contracts'>;
  auth: EmspAuth;
  tokenTtlS: number;
}

const webhookSchema = {
  type: 'object',
  required: ['id', 'url', 'kinds', 'createdAt'],
  properties: { id: { type: 'string' }, url: { type: 'string' }, kinds: { type: 'array', items: { type: 'string' } }, createdAt: { type: 'string', format: 'date-time' }, secret: { type: 'string', description: 'HMAC-SHA256 key of the Plugtrust-Signature header; shown once, at creation' } },
} as const;
const presentWebhook = (w: WebhookRow): Record<string, unknown> => ({ id: w.id, url: w.url, kinds: w.kinds, createdAt: w.createdAt.toISOString() });
const actor = (emspId: string, clientId: string): string => `emsp:${emspId}:${clientId}`;

/**
 * Registers the eMSP API. The returned function completes the OpenAPI document once every route of
 * the app is registered: it adds the eMSP token's security scheme, which the operator API's
 * document options do not know, and the scope of each eMSP operation.
 */
export async function registerEmspRoutes(app: FastifyInstance, deps: EmspRouteDeps): Promise<() => void> {
  const scopes: { method: string; url: string; scope: EmspScope }[] = [];
  const { contracts, webhooks, auth, store } = deps;
  decorateEmsp(app);
  await registerEmspTokenRoute(app, { auth, tokenTtlS: deps.tokenTtlS });
  await app.register((scope, _opts, done) => {
    handleContractErrors(scope);
    const tags = ['emsp'];
    // The scheme is added to the document afterwards (see the returned function), so the route
    // schemas carry no security member that the document builder would look up too early.
    scope.addHook('onRoute', (route) => {
      const s = route.config?.emspScope;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (s) for (const m of methods) scopes.push({ method: m.toLowerCase(), url: route.url.replace(/:([A-Za-z]+)/g, '{$1}'), scope: s });
    });
    const sec = (s: EmspScope) => ({ config: { emspScope: s }, onRequest: requireEmspScope(auth, s) });
    const authErrors = ['unauthorized', 'invalid_token', 'insufficient_scope', 'validation_failed'] as const;

    scope.post<{ Body: CreateContractBody }>(
      `${EMSP_PREFIX}/contracts`,
      {
        ...sec('contracts:write'),
        schema: {
          tags,
          operationId: 'emspCreateContract',
          summary: 'Create a contract: our MO CA issues the contract certificate and its key',
         
          body: createContractBody,
          response: { 201: contractSchema, ...contractResponses(authErrors, ['CONTRACT_EMAID_INVALID', 'CONTRACT_PCID_INVALID', 'CONTRACT_VALIDITY_INVALID', 'CONTRACT_ISSUER_UNAVAILABLE']) },
        },
      },
      async (req, reply) => {
        const t = tenantOf(req);
        const c = await contracts.create({ emspId: t.emspId, emaid: req.body.emaid, pcids: req.body.pcids, validityDays: req.body.validityDays, requestedBy: actor(t.emspId, t.clientId) });
        return reply.code(201).header('location', `${EMSP_PREFIX}/contracts/${c.id}`).send(presentContract(c));
      },
    );

    scope.post<{ Body: UploadContractBody }>(
      `${EMSP_PREFIX}/contracts/upload`,
      {
        ...sec('contracts:write'),
        schema: {
          tags,
          operationId: 'emspUploadContract',
          summary: 'Upload an externally issued contract certificate with its chain and key (validated against the configured MO roots)',
         
          body: uploadContractBody,
          response: {
            201: contractSchema,
            ...contractResponses(authErrors, ['CONTRACT_EMAID_INVALID', 'CONTRACT_EMAID_MISMATCH', 'CONTRACT_PCID_INVALID', 'CONTRACT_CERTIFICATE_INVALID', 'CONTRACT_CHAIN_UNTRUSTED', 'CONTRACT_KEY_INVALID', 'CONTRACT_KEY_MISMATCH']),
          },
        },
      },
      async (req, reply) => {
        const t = tenantOf(req);
        const parts = readUploadParts(req.body);
        const c = await contracts.upload({ emspId: t.emspId, emaid: req.body.emaid, pcids: req.body.pcids, ...parts, requestedBy: actor(t.emspId, t.clientId) });
        return reply.code(201).header('location', `${EMSP_PREFIX}/contracts/${c.id}`).send(presentContract(c));
      },
    );

    scope.get<{ Querystring: ListQuery }>(
      `${EMSP_PREFIX}/contracts`,
      { ...sec('contracts:read'), schema: { tags, operationId: 'emspListContracts', summary: 'Our contracts, oldest first', querystring: listContractsQuery, response: { 200: contractListSchema, ...contractResponses(authErrors, []) } } },
      async (req) => listContractPage(contracts, tenantOf(req).emspId, req.query),
    );

    scope.get<{ Params: { id: string } }>(
      `${EMSP_PREFIX}/contracts/:id`,
      { ...sec('contracts:read'), schema: { tags, operationId: 'emspGetContract', summary: 'One of our contracts', params: contractParams, response: { 200: contractSchema, ...contractResponses(authErrors, ['CONTRACT_NOT_FOUND']) } } },
      async (req) => presentContract(await contracts.get(req.params.id, tenantOf(req).emspId)),
    );

    scope.post<{ Params: { id: string }; Body: { reason?: ContractRevocationReason } | undefined }>(
      `${EMSP_PREFIX}/contracts/:id/revoke`,
      {
        ...sec('contracts:revoke'),
        schema: { tags, operationId: 'emspRevokeContract', summary: 'Revoke one of our contracts; OCSP answers revoked at once', params: contractParams, body: revokeContractBody, response: { 200: contractSchema, ...contractResponses(authErrors, ['CONTRACT_NOT_FOUND', 'CONTRACT_REVOKED']) } },
      },
      async (req) => {
        const t = tenantOf(req);
        return presentContract(await contracts.revoke(req.params.id, { emspId: t.emspId, reason: req.body?.reason ?? 'cessationOfOperation', requestedBy: actor(t.emspId, t.clientId) }));
      },
    );

    scope.delete<{ Params: { id: string } }>(
      `${EMSP_PREFIX}/contracts/:id`,
      { ...sec('contracts:write'), schema: { tags, operationId: 'emspDeleteContract', summary: 'Delete one of our contracts (a certificate our CA issued is revoked first)', params: contractParams, response: { 200: contractSchema, ...contractResponses(authErrors, ['CONTRACT_NOT_FOUND']) } } },
      async (req) => {
        const t = tenantOf(req);
        return presentContract(await contracts.delete(req.params.id, { emspId: t.emspId, requestedBy: actor(t.emspId, t.clientId) }));
      },
    );

    scope.get<{ Querystring: ListQuery }>(
      `${EMSP_PREFIX}/events`,
      { ...sec('events:read'), schema: { tags, operationId: 'emspListEvents', summary: 'Poll our contract events (created, installed, installation_failed, revoked, deleted), oldest first', querystring: listEventsQuery, response: { 200: eventListSchema, ...contractResponses(authErrors, []) } } },
      async (req) => listEventPage(store, tenantOf(req).emspId, req.query),
    );

    scope.post<{ Body: { url: string; kinds?: string[] } }>(
      `${EMSP_PREFIX}/webhooks`,
      {
        ...sec('webhooks:manage'),
        schema: {
          tags,
          operationId: 'emspCreateWebhook',
          summary: 'Subscribe to our contract events; each POST is signed (Plugtrust-Signature: t=<unix>,v1=<HMAC-SHA256(secret, t + "." + body)>)',
         
          body: { type: 'object', required: ['url'], additionalProperties: false, properties: { url: { type: 'string', minLength: 1, maxLength: 2048 }, kinds: { type: 'array', uniqueItems: true, items: { type: 'string', enum: [...EVENT_KINDS] }, description: 'Default: every kind' } } },
          response: { 201: webhookSchema, ...contractResponses(authErrors, ['WEBHOOK_INVALID']) },
        },
      },
      async (req, reply) => {
        const { webhook, secret } = await webhooks.subscribe(tenantOf(req).emspId, { url: req.body.url, kinds: req.body.kinds });
        return reply.code(201).header('cache-control', 'no-store').send({ ...presentWebhook(webhook), secret });
      },
    );

    scope.get(
      `${EMSP_PREFIX}/webhooks`,
      { ...sec('webhooks:manage'), schema: { tags, operationId: 'emspListWebhooks', summary: 'Our webhook subscriptions', response: { 200: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: webhookSchema } } }, ...contractResponses(authErrors, []) } } },
      async (req) => ({ items: (await webhooks.list(tenantOf(req).emspId)).map(presentWebhook) }),
    );

    scope.delete<{ Params: { id: string } }>(
      `${EMSP_PREFIX}/webhooks/:id`,
      { ...sec('webhooks:manage'), schema: { tags, operationId: 'emspDeleteWebhook', summary: 'Remove a webhook subscription', params: contractParams, response: { 204: { type: 'null' }, ...contractResponses(authErrors, ['WEBHOOK_NOT_FOUND']) } } },
      async (req, reply) => {
        await webhooks.remove(tenantOf(req).emspId, req.params.id);
        return reply.code(204).send();
      },
    );
    done();
  });
  return () => {
    // The document is built on first use and kept: complete it once.
    const doc = app.swagger() as { paths?: Record<string, Record<string, { security?: unknown }>>; components?: { securitySchemes?: Record<string, unknown> } };
    doc.components ??= {};
    doc.components.securitySchemes ??= {};
    doc.components.securitySchemes[EMSP_SECURITY_SCHEME] = {
      type: 'oauth2',
      description: 'eMSP API tokens: POST eMSP client credentials to /api/v1/emsp/auth/token (or bring a token of the configured identity provider), then send Authorization: Bearer <access_token>. Operator tokens are refused here.',
      flows: { clientCredentials: { tokenUrl: EMSP_TOKEN_PATH, scopes: { ...EMSP_SCOPE_DESCRIPTIONS } } },
    };
    for (const r of scopes) {
      const op = doc.paths?.[r.url]?.[r.method];
      if (op) op.security = [{ [EMSP_SECURITY_SCHEME]: [r.scope] }];
    }
  };
}
