// One station's CA certificates through the station bus: install (M05), delete (M04) and read
// (M03), each result recorded in the inventory. Transport failures (not connected, timeout, ...)
// are OcppRpcError from the bus and left to the caller; a station's CALLERROR is a value.
import { createHash } from 'node:crypto';
import type { StationBus } from '../ocpp/station-bus.js';
import type {
  CertificateHashDataType,
  DeleteCertificateResponse,
  GetInstalledCertificateIdsRequest,
  GetInstalledCertificateIdsResponse,
  InstallCertificateResponse,
  StatusInfoType,
} from '../ocpp/types/ocpp201.js';
import type { HashData, InstalledCertificateType, ReportedCertificate } from '../store/station-certificates-inventory.js';
import type { Store } from '../store/store.js';
import { certificateHashData, rootHashKeys } from './hash-data.js';
import type { InstallCertificateUse, RootCertificate } from './root-certificate.js';

export const INSTALLED_CERTIFICATE_TYPES: readonly InstalledCertificateType[] = ['V2GRootCertificate', 'MORootCertificate', 'CSMSRootCertificate', 'V2GCertificateChain', 'ManufacturerRootCertificate'];

export interface StationCertificateDeps {
  store: Pick<Store, 'certificateInventory'>;
  bus: Pick<StationBus, 'call'>;
  now: () => Date;
}

/** A station's answer: its status (and statusInfo), or its CALLERROR. */
export type StationAnswer<S extends string> =
  | { kind: 'status'; status: S; statusInfo: StatusInfoType | null }
  | { kind: 'error'; errorCode: string; errorDescription: string };

export const fingerprintOf = (der: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(der).digest());

/** Remembers a root we send, so that stations' reports of it show subject and expiry. */
export async function rememberRoot(store: Pick<Store, 'certificateInventory'>, root: RootCertificate): Promise<Uint8Array> {
  const fingerprint = fingerprintOf(root.der);
  await store.certificateInventory.rememberCertificate({ fingerprint, der: root.der, subject: root.subject, serialHex: root.serialHex, notBefore: root.notBefore, notAfter: root.notAfter, hashKeys: rootHashKeys(root.der) });
  return fingerprint;
}

/** M05: InstallCertificate; an Accepted root enters the inventory under `use` (SHA256 hash data). */
export async function installRoot(deps: StationCertificateDeps, stationId: string, root: RootCertificate, use: InstallCertificateUse): Promise<StationAnswer<InstallCertificateResponse['status']>> {
  const answer = await deps.bus.call(stationId, 'InstallCertificate', { certificateType: use, certificate: root.pem });
  if (answer.kind === 'error') return { kind: 'error', errorCode: answer.errorCode, errorDescription: answer.errorDescription };
  const res = answer.payload as InstallCertificateResponse;
  if (res.status === 'Accepted') await deps.store.certificateInventory.addInstalled(stationId, use, certificateHashData(root.der, root.der, 'SHA256'), rootHashKeys(root.der), deps.now());
  return { kind: 'status', status: res.status, statusInfo: res.statusInfo ?? null };
}

/** M04: DeleteCertificate; Accepted or NotFound removes the entry from the inventory. */
export async function deleteInstalled(deps: StationCertificateDeps, stationId: string, hashData: HashData): Promise<StationAnswer<DeleteCertificateResponse['status']>> {
  // The bus validates the payload against the schema: an unknown algorithm is InvalidPayload, never sent.
  const certificateHashData = { hashAlgorithm: hashData.hashAlgorithm as CertificateHashDataType['hashAlgorithm'], issuerNameHash: hashData.issuerNameHash, issuerKeyHash: hashData.issuerKeyHash, serialNumber: hashData.serialNumber };
  const answer = await deps.bus.call(stationId, 'DeleteCertificate', { certificateHashData });
  if (answer.kind === 'error') return { kind: 'error', errorCode: answer.errorCode, errorDescription: answer.errorDescription };
  const res = answer.payload as DeleteCertificateResponse;
  // M04.FR.*: NotFound means the station holds no such certificate; either way it is gone.
  if (res.status === 'Accepted' || res.status === 'NotFound') await deps.store.certificateInventory.removeByHashData(stationId, hashData);
  return { kind: 'status', status: res.status, statusInfo: res.statusInfo ?? null };
}

export interface InventoryRead {
  answer: StationAnswer<GetInstalledCertificateIdsResponse['status']>;
  reported: ReportedCertificate[];
}

/**
 * M03: GetInstalledCertificateIds for `types` (all types when omitted: M03.FR.* the station then
 * reports every installed certificate), stored as the station's inventory for those types.
 * NotFound stores an empty inventory for them.
 */
export async function readInstalled(deps: StationCertificateDeps, stationId: string, types?: readonly InstalledCertificateType[]): Promise<InventoryRead> {
  const payload: GetInstalledCertificateIdsRequest = types && types.length > 0 ? { certificateType: [...types] } : {};
  const answer = await deps.bus.call(stationId, 'GetInstalledCertificateIds', payload);
  if (answer.kind === 'error') return { answer: { kind: 'error', errorCode: answer.errorCode, errorDescription: answer.errorDescription }, reported: [] };
  const res = answer.payload as GetInstalledCertificateIdsResponse;
  const reported: ReportedCertificate[] = res.status === 'Accepted'
    ? (res.certificateHashDataChain ?? []).map((c) => ({ certificateType: c.certificateType, hashData: c.certificateHashData, children: c.childCertificateHashData ?? [] }))
    : [];
  const asked = types && types.length > 0 ? types : INSTALLED_CERTIFICATE_TYPES;
  await deps.store.certificateInventory.replaceReport(stationId, asked, reported, res.status, deps.now());
  return { answer: { kind: 'status', status: res.status, statusInfo: res.statusInfo ?? null }, reported };
}
