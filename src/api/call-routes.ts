// POST /api/v1/stations/:id/calls/:action: send one OCPP CALL through the station bus and return the
// station's answer. A CALLERROR is the station's answer, so it comes back as 200 {error}: the HTTP
// exchange and the OCPP exchange both succeeded, and 502 stays reserved for a broken exchange
// (connection closed, response that fails its schema). Failures of the exchange are problems,
// mapped by CALL_FAILURE_ERRORS in errors.ts.
import type { FastifyInstance } from 'fastify';
import { CSMS_TO_CS_ACTIONS, type CsmsToCsAction } from '../ocpp/actions.js';
import { OcppRpcError } from '../ocpp/rpc-error.js';
import type { CallAnswer, StationBus } from '../ocpp/station-bus.js';
import type { Store } from '../store/store.js';
import { protectedBy, stationIdParam } from './common-schemas.js';
import { ApiError } from './errors.js';
import type { OperatorAuth } from './operator-auth.js';
import { requireScope } from './require-scope.js';

export interface CallRouteDeps {
  store: Pick<Store, 'stations'>;
  bus: Pick<StationBus, 'call'>;
  auth: OperatorAuth;
}

interface CallParams {
  id: string;
  action: CsmsToCsAction;
}

const callParamsSchema = {
  type: 'object',
  required: ['id', 'action'],
  additionalProperties: false,
  properties: { id: stationIdParam, action: { type: 'string', enum: CSMS_TO_CS_ACTIONS, description: 'An OCPP 2.0.1 action the CSMS sends to a station' } },
} as const;

const callQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { timeoutMs: { type: 'integer', minimum: 100, maximum: 600000, description: 'Overrides the configured response timeout for this CALL' } },
} as const;

const callAnswerSchema = {
  type: 'object',
  description: 'Exactly one of result (CALLRESULT) or error (CALLERROR)',
  properties: {
    result: { description: 'The station\'s <Action>Response payload' },
    error: {
      type: 'object',
      required: ['code', 'description', 'details'],
      properties: { code: { type: 'string', description: 'OCPP-J RPC error code' }, description: { type: 'string' }, details: {} },
    },
  },
} as const;

export function presentAnswer(answer: CallAnswer): { result: unknown } | { error: { code: string; description: string; details: unknown } } {
  return answer.kind === 'result'
    ? { result: answer.payload }
    : { error: { code: answer.errorCode, description: answer.errorDescription, details: answer.errorDetails } };
}

export function registerCallRoutes(app: FastifyInstance, deps: CallRouteDeps): void {
  const { store, bus, auth } = deps;
  const guard = protectedBy('calls:send', 'station_not_found', 'invalid_payload', 'unknown_action', 'station_not_connected', 'connection_closed', 'invalid_response', 'queue_full', 'call_timeout');

  app.post<{ Params: CallParams; Querystring: { timeoutMs?: number }; Body: Record<string, unknown> }>(
    '/api/v1/stations/:id/calls/:action',
    {
      onRequest: requireScope(auth, 'calls:send'),
      schema: {
        tags: ['calls'],
        operationId: 'sendCall',
        summary: 'Send an OCPP CALL to a connected station and return its answer',
        params: callParamsSchema,
        querystring: callQuerySchema,
        // Validated against the OCPP 2.0.1 <Action>Request schema by the bus (invalid_payload).
        body: { type: 'object', description: 'The OCPP 2.0.1 <Action>Request payload' },
        security: guard.security,
        response: { 200: callAnswerSchema, ...guard.response },
      },
    },
    async (req) => {
      const { id, action } = req.params;
      if (!(await store.stations.get(id))) throw new ApiError('station_not_found');
      const { timeoutMs } = req.query;
      const operator = req.operator?.clientId;
      // Payloads are never logged: some carry secrets (SetNetworkProfile, SetVariables).
      try {
        const answer = await bus.call(id, action, req.body, timeoutMs === undefined ? undefined : { timeoutMs });
        req.log.info({ operator, stationId: id, action, outcome: answer.kind === 'result' ? 'result' : answer.errorCode }, 'call answered');
        return presentAnswer(answer);
      } catch (err) {
        if (err instanceof OcppRpcError) req.log.info({ operator, stationId: id, action, outcome: err.code }, 'call failed');
        throw err;
      }
    },
  );
}
