// Station HTTP Basic passwords (security profiles 1 and 2): set one outright (provisioning) or
// rotate it through the station (OCPP 2.0.1 A01). Only the scrypt hash is stored; the password
// itself is never logged nor returned.
import type { FastifyInstance } from 'fastify';
import { hashSecret } from './secret-hash.js';
import { checkStationPassword, MAX_PASSWORD_LENGTH, type PasswordProblem } from '../ocpp/basic-password.js';
import type { StationBus } from '../ocpp/station-bus.js';
import type { Store } from '../store/store.js';
import { protectedBy, stationParamsSchema } from './common-schemas.js';
import { ApiError } from './errors.js';
import type { OperatorAuth } from './operator-auth.js';
import { requireScope } from './require-scope.js';

export interface StationPasswordRouteDeps {
  store: Pick<Store, 'stations' | 'stationPasswords'>;
  bus: Pick<StationBus, 'call'>;
  auth: OperatorAuth;
}

const passwordBodySchema = {
  type: 'object',
  required: ['password'],
  additionalProperties: false,
  properties: { password: { type: 'string', maxLength: 4 * MAX_PASSWORD_LENGTH, description: '16-40 printable characters' } },
} as const;

const passwordSetSchema = {
  type: 'object',
  required: ['stationId', 'updatedAt'],
  properties: { stationId: { type: 'string' }, updatedAt: { type: 'string', format: 'date-time', description: 'When the stored hash changed' } },
} as const;

const rotationResultSchema = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['Accepted', 'RebootRequired'], description: 'The station\'s SetVariables attributeStatus' } },
} as const;

const PROBLEM_TEXT: Readonly<Record<PasswordProblem, string>> = {
  'too-short': 'the password has fewer than 16 characters',
  'too-long': 'the password has more than 40 characters',
  'not-printable': 'the password contains control characters',
};

function checked(password: string): string {
  const problem = checkStationPassword(password);
  if (problem) throw new ApiError('password_rejected', PROBLEM_TEXT[problem]);
  return password;
}

export function registerStationPasswordRoutes(app: FastifyInstance, deps: StationPasswordRouteDeps): void {
  const { store, bus, auth } = deps;
  const write = protectedBy('stations:write', 'station_not_found', 'password_rejected');

  app.put<{ Params: { id: string }; Body: { password: string } }>(
    '/api/v1/stations/:id/password',
    {
      onRequest: requireScope(auth, 'stations:write'),
      schema: {
        tags: ['stations'], operationId: 'setStationPassword',
        summary: 'Set the HTTP Basic password a station uses at security profile 1 or 2 (provisioning; takes effect at once, the previous password stops working)',
        params: stationParamsSchema, body: passwordBodySchema, security: write.security, response: { 200: passwordSetSchema, ...write.response },
      },
    },
    async (req) => {
      const password = checked(req.body.password);
      if (!(await store.stations.get(req.params.id))) throw new ApiError('station_not_found');
      if (!(await store.stationPasswords.set(req.params.id, await hashSecret(password)))) throw new ApiError('station_not_found');
      req.log.info({ operator: req.operator?.clientId, stationId: req.params.id }, 'station password set');
      const stored = await store.stationPasswords.get(req.params.id);
      return { stationId: req.params.id, updatedAt: (stored?.updatedAt ?? new Date()).toISOString() };
    },
  );

  const rotate = protectedBy('stations:write', 'station_not_found', 'password_rejected', 'station_not_connected', 'password_change_refused', 'call_timeout', 'connection_closed', 'invalid_response', 'queue_full');
  app.post<{ Params: { id: string }; Body: { password: string } }>(
    '/api/v1/stations/:id/password/rotate',
    {
      onRequest: requireScope(auth, 'stations:write'),
      schema: {
        tags: ['stations'], operationId: 'rotateStationPassword',
        summary: 'OCPP 2.0.1 A01: send the new password to the connected station (SetVariables SecurityCtrlr.BasicAuthPassword); stored only once it answers Accepted, the old one keeps working until the station reconnects with the new one',
        params: stationParamsSchema, body: passwordBodySchema, security: rotate.security, response: { 200: rotationResultSchema, ...rotate.response },
      },
    },
    async (req) => {
      const id = req.params.id;
      const password = checked(req.body.password);
      if (!(await store.stations.get(id))) throw new ApiError('station_not_found');
      // Hash first: a store that cannot take the hash must not leave the station with a password we lost.
      const hash = await hashSecret(password);
      // OCPP 2.0.1 A01: the CSMS sends SetVariablesRequest with SecurityCtrlr.BasicAuthPassword.
      const answer = await bus.call(id, 'SetVariables', {
        setVariableData: [{ attributeType: 'Actual', attributeValue: password, component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' } }],
      });
      const status = answer.kind === 'result' ? (answer.payload as { setVariableResult?: { attributeStatus?: string }[] }).setVariableResult?.[0]?.attributeStatus : undefined;
      if (status !== 'Accepted' && status !== 'RebootRequired') {
        req.log.warn({ operator: req.operator?.clientId, stationId: id, status: status ?? (answer.kind === 'error' ? answer.errorCode : 'none') }, 'station refused the new password');
        throw new ApiError('password_change_refused', `the station answered ${status ?? (answer.kind === 'error' ? `CALLERROR ${answer.errorCode}` : 'without a status')}; the stored password is unchanged`);
      }
      // A01: the new hash is stored only after Accepted; the old one still admits the
      // station until it reconnects with the new password (station-authenticator.ts).
      if (!(await store.stationPasswords.rotate(id, hash))) throw new ApiError('station_not_found');
      req.log.info({ operator: req.operator?.clientId, stationId: id }, 'station password rotated');
      return { status };
    },
  );
}
