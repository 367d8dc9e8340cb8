// OCPP 2.0.1 A05: upgrade a connected station's security profile. The CSMS installs a network
// connection profile at the new security profile (SetNetworkProfile), makes it the first choice
// (SetVariables OCPPCommCtrlr.NetworkConfigurationPriority), records the new profile, and asks the
// station to reset, after which it can only connect at the new profile. Only upward: a lower
// profile is refused (A00: no downgrade).
import type { FastifyInstance } from 'fastify';
import type { StationBus } from '../ocpp/station-bus.js';
import type { Store } from '../store/store.js';
import { protectedBy, stationParamsSchema } from './common-schemas.js';
import { ApiError } from './errors.js';
import type { OperatorAuth } from './operator-auth.js';
import { presentStation } from './present.js';
import { requireScope } from './require-scope.js';
import { stationSchema } from './station-schemas.js';

export interface StationProfileRouteDeps {
  store: Pick<Store, 'stations' | 'stationPasswords' | 'certificates'>;
  bus: Pick<StationBus, 'call'>;
  auth: OperatorAuth;
  now?: () => Date;
}

interface UpgradeBody {
  securityProfile: 2 | 3;
  ocppCsmsUrl: string;
  configurationSlot: number;
  ocppInterface: string;
  messageTimeout: number;
}

const upgradeBodySchema = {
  type: 'object',
  required: ['securityProfile', 'ocppCsmsUrl'],
  additionalProperties: false,
  properties: {
    securityProfile: { type: 'integer', enum: [2, 3], description: 'The new, higher security profile' },
    ocppCsmsUrl: { type: 'string', pattern: '^wss://', maxLength: 512, description: 'The wss:// URL the station connects to at the new profile (our --ocpp-tls-port), without the identity' },
    configurationSlot: { type: 'integer', minimum: 0, maximum: 99, default: 1, description: 'SetNetworkProfile configurationSlot; becomes NetworkConfigurationPriority' },
    ocppInterface: { type: 'string', enum: ['Wired0', 'Wired1', 'Wired2', 'Wired3', 'Wireless0', 'Wireless1', 'Wireless2', 'Wireless3'], default: 'Wired0' },
    messageTimeout: { type: 'integer', minimum: 1, maximum: 3600, default: 30 },
  },
} as const;

function statusOf(answer: Awaited<ReturnType<StationBus['call']>>, pick: (p: Record<string, unknown>) => unknown): string {
  if (answer.kind === 'error') return `CALLERROR ${answer.errorCode}`;
  const v = pick((answer.payload ?? {}) as Record<string, unknown>);
  return typeof v === 'string' ? v : 'none';
}

export function registerStationProfileRoutes(app: FastifyInstance, deps: StationProfileRouteDeps): void {
  const { store, bus, auth } = deps;
  const now = deps.now ?? (() => new Date());
  const write = protectedBy('stations:write', 'station_not_found', 'profile_not_upgrade', 'profile_precondition', 'profile_change_refused', 'station_not_connected', 'call_timeout', 'connection_closed', 'invalid_response', 'queue_full');

  app.post<{ Params: { id: string }; Body: UpgradeBody }>(
    '/api/v1/stations/:id/security-profile',
    {
      onRequest: requireScope(auth, 'stations:write'),
      schema: {
        tags: ['stations'], operationId: 'upgradeStationSecurityProfile',
        summary: 'OCPP 2.0.1 A05: raise a connected station\'s security profile (SetNetworkProfile, NetworkConfigurationPriority, then Reset OnIdle)',
        params: stationParamsSchema, body: upgradeBodySchema, security: write.security, response: { 200: stationSchema, ...write.response },
      },
    },
    async (req) => {
      const id = req.params.id;
      const { securityProfile, ocppCsmsUrl, configurationSlot, ocppInterface, messageTimeout } = req.body;
      // Step 1: an upgrade, and what the new profile needs is in place.
      const station = await store.stations.get(id);
      if (!station) throw new ApiError('station_not_found');
      if (securityProfile <= station.securityProfile) throw new ApiError('profile_not_upgrade', `the station is at profile ${station.securityProfile}; ${securityProfile} is not higher`);
      if (securityProfile === 2 && !(await store.stationPasswords.get(id))) throw new ApiError('profile_precondition', 'profile 2 needs an HTTP Basic password: PUT /api/v1/stations/:id/password first');
      if (securityProfile === 3) {
        const certs = await store.certificates.list({ identity: id, profile: 'charging-station-leaf', status: 'issued', limit: 100 });
        const at = now().getTime();
        if (!certs.some((c) => c.revokedAt === null && c.notAfter !== null && c.notAfter.getTime() > at)) {
          throw new ApiError('profile_precondition', 'profile 3 needs a valid ChargingStationCertificate for this station (A02/A03) first');
        }
      }
      // Step 2: the network connection profile at the new security profile.
      const setProfile = await bus.call(id, 'SetNetworkProfile', {
        configurationSlot,
        connectionData: { ocppVersion: 'OCPP20', ocppTransport: 'JSON', ocppCsmsUrl, messageTimeout, securityProfile, ocppInterface },
      });
      const profileStatus = statusOf(setProfile, (p) => p.status);
      if (profileStatus !== 'Accepted') throw new ApiError('profile_change_refused', `SetNetworkProfile answered ${profileStatus}; the registered profile is unchanged`);
      // Step 3: make it the first choice.
      const priority = await bus.call(id, 'SetVariables', {
        setVariableData: [{ attributeType: 'Actual', attributeValue: String(configurationSlot), component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NetworkConfigurationPriority' } }],
      });
      const priorityStatus = statusOf(priority, (p) => (p.setVariableResult as { attributeStatus?: unknown }[] | undefined)?.[0]?.attributeStatus);
      if (priorityStatus !== 'Accepted' && priorityStatus !== 'RebootRequired') throw new ApiError('profile_change_refused', `SetVariables NetworkConfigurationPriority answered ${priorityStatus}; the registered profile is unchanged`);
      // Step 4: from now on the station connects at the new profile only; the live session stays.
      const updated = await store.stations.update(id, { securityProfile });
      if (!updated) throw new ApiError('station_not_found');
      req.log.info({ operator: req.operator?.clientId, stationId: id, from: station.securityProfile, to: securityProfile }, 'station security profile upgraded');
      // Step 5: the station reconnects with the new profile after a reset (when idle).
      const reset = await bus.call(id, 'Reset', { type: 'OnIdle' }).catch((err: unknown) => {
        req.log.warn({ err, stationId: id }, 'Reset after a security profile upgrade failed; the station switches at its next reconnect');
        return null;
      });
      if (reset) req.log.info({ stationId: id, status: statusOf(reset, (p) => p.status) }, 'reset requested after the profile upgrade');
      return presentStation(updated);
    },
  );
}
