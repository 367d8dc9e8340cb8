// The storage authority: every repository over one database. Handlers receive narrow slices
// of this (Pick<Store, 'stations' | 'events'>), never the whole.
import { authorizationDecisionRepo, type AuthorizationDecisionRepo } from './authorization-decisions.js';
import { caAuditRepo, type CaAuditRepo } from './ca-audit.js';
import { caIssuerRepo, type CaIssuerRepo } from './ca-issuers.js';
import { caKeyRepo, type CaKeyRepo } from './ca-keys.js';
import { caServiceKeyRepo, type CaServiceKeyRepo } from './ca-service-keys.js';
import { certificateRepo, type CertificateRepo } from './certificates.js';
import { certificateStatusRepo, type CertificateStatusRepo } from './certificate-status.js';
import { connectorRepo, type ConnectorRepo } from './connectors.js';
import { contractRepo, type ContractRepo } from './contracts.js';
import { emspApiRepo, type EmspApiRepo } from './emsp-api.js';
import { credentialRepo, type CredentialRepo } from './credentials.js';
import type { Db } from './db.js';
import { eventRepo, type EventRepo } from './events.js';
import { firmwareCampaignRepo, type FirmwareCampaignRepo } from './firmware-campaigns.js';
import { firmwareImageRepo, type FirmwareImageRepo } from './firmware-images.js';
import { firmwareJobRepo, type FirmwareJobRepo } from './firmware-jobs.js';
import { firmwarePublicationRepo, type FirmwarePublicationRepo } from './firmware-publications.js';
import { frameRepo, type FrameRepo } from './frames.js';
import { outboxRepo, type OutboxRepo } from './outbox.js';
import { scheduledRevocationRepo, type ScheduledRevocationRepo } from './scheduled-revocations.js';
import { signingRequestRepo, type SigningRequestRepo } from './signing-requests.js';
import { stationPasswordRepo, type StationPasswordRepo } from './station-passwords.js';
import { stationRepo, type StationRepo } from './stations.js';
import { stationCertificateInventoryRepo, type StationCertificateInventoryRepo } from './station-certificates-inventory.js';
import { certificateCampaignRepo, type CertificateCampaignRepo } from './certificate-campaigns.js';

export interface Store {
  db: Db;
  stations: StationRepo;
  connectors: ConnectorRepo;
  events: EventRepo;
  frames: FrameRepo;
  credentials: CredentialRepo;
  caKeys: CaKeyRepo;
  caIssuers: CaIssuerRepo;
  certificates: CertificateRepo;
  caAudit: CaAuditRepo;
  caServiceKeys: CaServiceKeyRepo;
  signingRequests: SigningRequestRepo;
  outbox: OutboxRepo;
  scheduledRevocations: ScheduledRevocationRepo;
  stationPasswords: StationPasswordRepo;
  certificateStatus: CertificateStatusRepo;
  contracts: ContractRepo;
  authorizationDecisions: AuthorizationDecisionRepo;
  emspApi: EmspApiRepo;
  certificateInventory: StationCertificateInventoryRepo;
  certificateCampaigns: CertificateCampaignRepo;
  firmwareImages: FirmwareImageRepo;
  firmwareJobs: FirmwareJobRepo;
  firmwareCampaigns: FirmwareCampaignRepo;
  firmwarePublications: FirmwarePublicationRepo;
}

export function createStore(db: Db): Store {
  return {
    db,
    stations: stationRepo(db),
    connectors: connectorRepo(db),
    events: eventRepo(db),
    frames: frameRepo(db),
    credentials: credentialRepo(db),
    caKeys: caKeyRepo(db),
    caIssuers: caIssuerRepo(db),
    certificates: certificateRepo(db),
    caAudit: caAuditRepo(db),
    caServiceKeys: caServiceKeyRepo(db),
    signingRequests: signingRequestRepo(db),
    outbox: outboxRepo(db),
    scheduledRevocations: scheduledRevocationRepo(db),
    stationPasswords: stationPasswordRepo(db),
    certificateStatus: certificateStatusRepo(db),
    contracts: contractRepo(db),
    authorizationDecisions: authorizationDecisionRepo(db),
    emspApi: emspApiRepo(db),
    certificateInventory: stationCertificateInventoryRepo(db),
    certificateCampaigns: certificateCampaignRepo(db),
    firmwareImages: firmwareImageRepo(db),
    firmwareJobs: firmwareJobRepo(db),
    firmwareCampaigns: firmwareCampaignRepo(db),
    firmwarePublications: firmwarePublicationRepo(db),
  };
}
