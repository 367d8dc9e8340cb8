// Station registry: who may connect, at which profile, and what they last told us.
import { Coalescer } from './coalesce.js';
import type { Queryable } from './db.js';
import { hasNul, pgJson, pgText } from './text.js';

export type RegistrationStatus = 'Accepted' | 'Pending' | 'Rejected';
export type SecurityProfile = 1 | 2 | 3;

export interface Station {
  id: string;
  registrationStatus: RegistrationStatus;
  securityProfile: SecurityProfile;
  autoRegistered: boolean;
  description: string | null;
  vendorName: string | null;
  model: string | null;
  serialNumber: string | null;
  firmwareVersion: string | null;
  lastBootAt: Date | null;
  lastBootReason: string | null;
  lastSeenAt: Date | null;
  connected: boolean;
  connectedAt: Date | null;
  disconnectedAt: Date | null;
  createdAt: Date;
}

export interface NewStation {
  id: string;
  registrationStatus: RegistrationStatus;
  securityProfile: SecurityProfile;
  autoRegistered?: boolean;
  description?: string | null;
}

export interface BootFacts {
  reason: string;
  vendorName: string;
  model: string;
  serialNumber: string | null;
  firmwareVersion: string | null;
  modemIccid: string | null;
  modemImsi: string | null;
  at: Date;
}

const COLUMNS = `id, registration_status, security_profile, auto_registered, description, vendor_name, model,
  serial_number, firmware_version, last_boot_at, last_boot_reason, last_seen_at, connected, connected_at,
  disconnected_at, created_at`;

interface StationRow {
  id: string;
  registration_status: RegistrationStatus;
  security_profile: number;
  auto_registered: boolean;
  description: string | null;
  vendor_name: string | null;
  model: string | null;
  serial_number: string | null;
  firmware_version: string | null;
  last_boot_at: Date | null;
  last_boot_reason: string | null;
  last_seen_at: Date | null;
  connected: boolean;
  connected_at: Date | null;
  disconnected_at: Date | null;
  created_at: Date;
}

function toStation(r: StationRow): Station {
  return {
    id: r.id,
    registrationStatus: r.registration_status,
    securityProfile: r.security_profile as SecurityProfile,
    autoRegistered: r.auto_registered,
    description: r.description,
    vendorName: r.vendor_name,
    model: r.model,
    serialNumber: r.serial_number,
    firmwareVersion: r.firmware_version,
    lastBootAt: r.last_boot_at,
    lastBootReason: r.last_boot_reason,
    lastSeenAt: r.last_seen_at,
    connected: r.connected,
    connectedAt: r.connected_at,
    disconnectedAt: r.disconnected_at,
    createdAt: r.created_at,
  };
}

export interface StationRepo {
  get(id: string, q?: Queryable): Promise<Station | null>;
  list(opts?: { limit?: number; after?: string; connected?: boolean }): Promise<Station[]>;
  /** Inserts; throws StoreError STORE_CONFLICT when the id exists. */
  create(s: NewStation, q?: Queryable): Promise<Station>;
  /** Inserts unless present; returns the stored row either way. */
  ensure(s: NewStation): Promise<Station>;
  update(id: string, patch: Partial<Pick<Station, 'registrationStatus' | 'securityProfile' | 'description'>>): Promise<Station | null>;
  /** Records what the station reported at boot; returns its registration status (null: unknown station). */
  recordBoot(id: string, boot: BootFacts): Promise<RegistrationStatus | null>;
  /** Clears the connected flag of every station (after a crash, at start). */
  markAllDisconnected(at: Date): Promise<number>;
  /** Batched connect/disconnect: one statement for many stations. */
  setConnectedMany(changes: ReadonlyMap<string, { connected: boolean; at: Date }>): Promise<void>;
  /** Batched last-seen update: one statement for many stations. */
  touchMany(seen: ReadonlyMap<string, Date>): Promise<void>;
}

export function stationRepo(db: Queryable): StationRepo {
  // Concurrent look-ups and boot records (a reconnect storm) share one statement per batch.
  const lookups = new Coalescer<string, Station | null>(async (ids) => {
    const { rows } = await db.query<StationRow>(`SELECT ${COLUMNS} FROM stations WHERE id = ANY($1::text[])`, [ids]);
    return new Map(rows.map((r) => [r.id, toStation(r)]));
  }, null);
  const boots = new Coalescer<{ id: string; boot: BootFacts }, RegistrationStatus | null>(async (items) => {
    const { rows } = await db.query<{ id: string; registration_status: RegistrationStatus }>(
      `UPDATE stations s SET vendor_name = b.vendor_name, model = b.model, serial_number = b.serial_number,
         firmware_version = b.firmware_version, modem_iccid = b.modem_iccid, modem_imsi = b.modem_imsi,
         last_boot_at = b.at, last_boot_reason = b.reason, last_seen_at = b.at, updated_at = now()
       FROM json_to_recordset($1::json) AS b(id text, vendor_name text, model text, serial_number text,
         firmware_version text, modem_iccid text, modem_imsi text, at timestamptz, reason text)
       WHERE s.id = b.id RETURNING s.id, s.registration_status`,
      [
        pgJson(
          items.map(({ id, boot: b }) => ({
            id, vendor_name: b.vendorName, model: b.model, serial_number: b.serialNumber, firmware_version: b.firmwareVersion,
            modem_iccid: b.modemIccid, modem_imsi: b.modemImsi, at: b.at, reason: b.reason,
          })),
        ),
      ],
    );
    const status = new Map(rows.map((r) => [r.id, r.registration_status]));
    return new Map(items.map((item) => [item, status.get(item.id) ?? null]));
  }, null);
  return {
    async get(id, q) {
      if (hasNul(id)) return null;
      if (!q) return lookups.load(id);
      const { rows } = await q.query<StationRow>(`SELECT ${COLUMNS} FROM stations WHERE id = $1`, [id]);
      return rows[0] ? toStation(rows[0]) : null;
    },
    async list(opts = {}) {
      const params: unknown[] = [opts.after ?? '', Math.min(opts.limit ?? 100, 1000)];
      let filter = '';
      if (opts.connected !== undefined) {
        params.push(opts.connected);
        filter = 'AND connected = $3';
      }
      const { rows } = await db.query<StationRow>(`SELECT ${COLUMNS} FROM stations WHERE id > $1 ${filter} ORDER BY id LIMIT $2`, params);
      return rows.map(toStation);
    },
    async create(s, q = db) {
      const { rows } = await q.query<StationRow>(
        `INSERT INTO stations (id, registration_status, security_profile, auto_registered, description)
         VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
        [s.id, s.registrationStatus, s.securityProfile, s.autoRegistered ?? false, pgText(s.description ?? null)],
      );
      return toStation(rows[0] as StationRow);
    },
    async ensure(s) {
      await db.query(
        `INSERT INTO stations (id, registration_status, security_profile, auto_registered, description)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
        [s.id, s.registrationStatus, s.securityProfile, s.autoRegistered ?? false, pgText(s.description ?? null)],
      );
      const { rows } = await db.query<StationRow>(`SELECT ${COLUMNS} FROM stations WHERE id = $1`, [s.id]);
      return toStation(rows[0] as StationRow);
    },
    async update(id, patch) {
      const { rows } = await db.query<StationRow>(
        `UPDATE stations SET
           registration_status = COALESCE($2, registration_status),
           security_profile = COALESCE($3, security_profile),
           description = CASE WHEN $4::boolean THEN $5 ELSE description END,
           updated_at = now()
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, patch.registrationStatus ?? null, patch.securityProfile ?? null, patch.description !== undefined, pgText(patch.description ?? null)],
      );
      return rows[0] ? toStation(rows[0]) : null;
    },
    recordBoot(id, boot) {
      // Several boots of one station in one batch: the last one wins, each gets the status.
      return boots.load({ id, boot });
    },
    async markAllDisconnected(at) {
      const r = await db.query('UPDATE stations SET connected = false, disconnected_at = $1 WHERE connected', [at]);
      return r.rowCount;
    },
    async setConnectedMany(changes) {
      if (changes.size === 0) return;
      const ids: string[] = [];
      const flags: boolean[] = [];
      const ats: Date[] = [];
      for (const [id, c] of changes) {
        ids.push(id);
        flags.push(c.connected);
        ats.push(c.at);
      }
      await db.query(
        `UPDATE stations s SET connected = v.connected,
           connected_at = CASE WHEN v.connected THEN v.at ELSE s.connected_at END,
           disconnected_at = CASE WHEN v.connected THEN s.disconnected_at ELSE v.at END
         FROM unnest($1::text[], $2::boolean[], $3::timestamptz[]) AS v(id, connected, at) WHERE s.id = v.id`,
        [ids, flags, ats],
      );
    },
    async touchMany(seen) {
      if (seen.size === 0) return;
      await db.query(
        `UPDATE stations s SET last_seen_at = GREATEST(s.last_seen_at, v.at)
         FROM unnest($1::text[], $2::timestamptz[]) AS v(id, at) WHERE s.id = v.id`,
        [[...seen.keys()], [...seen.values()]],
      );
    },
  };
}
