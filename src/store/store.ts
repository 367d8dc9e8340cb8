// The storage authority: every repository over one database. Handlers receive narrow slices
// of this (Pick<Store, 'stations' | 'events'>), never the whole.
import { connectorRepo, type ConnectorRepo } from './connectors.js';
import { credentialRepo, type CredentialRepo } from './credentials.js';
import type { Db } from './db.js';
import { eventRepo, type EventRepo } from './events.js';
import { frameRepo, type FrameRepo } from './frames.js';
import { stationRepo, type StationRepo } from './stations.js';

export interface Store {
  db: Db;
  stations: StationRepo;
  connectors: ConnectorRepo;
  events: EventRepo;
  frames: FrameRepo;
  credentials: CredentialRepo;
}

export function createStore(db: Db): Store {
  return {
    db,
    stations: stationRepo(db),
    connectors: connectorRepo(db),
    events: eventRepo(db),
    frames: frameRepo(db),
    credentials: credentialRepo(db),
  };
}
