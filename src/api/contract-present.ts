// Contracts and contract events as the APIs show them. The private key never leaves the service.
import { toPem } from '../../pki/certificate/parse-certificate.js';
import { bytesToHex } from '../../pki/der/writer.js';
import type { ContractEventRow, ContractRow } from '../store/contracts.js';

export function contractStatus(c: ContractRow, now: Date): 'active' | 'expired' | 'revoked' | 'deleted' {
  if (c.deletedAt) return 'deleted';
  if (c.revokedAt) return 'revoked';
  return c.notAfter.getTime() <= now.getTime() ? 'expired' : 'active';
}

export function presentContract(c: ContractRow, now: Date = new Date()): Record<string, unknown> {
  return {
    id: c.id,
    emspId: c.emspId,
    emaid: c.emaid,
    pcids: c.pcids,
    origin: c.origin,
    status: contractStatus(c, now),
    serial: c.serial ? bytesToHex(c.serial) : null,
    certificate: toPem(c.certificate, 'CERTIFICATE'),
    chain: c.chain.map((d) => toPem(d, 'CERTIFICATE')).join(''),
    moRoot: toPem(c.moRoot, 'CERTIFICATE'),
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    createdAt: c.createdAt.toISOString(),
    revokedAt: c.revokedAt?.toISOString() ?? null,
    revocationReason: c.revocationReason,
    deletedAt: c.deletedAt?.toISOString() ?? null,
  };
}

export function presentEvent(e: ContractEventRow): Record<string, unknown> {
  return { id: e.id, kind: e.kind, contractId: e.contractId, at: e.at.toISOString(), stationId: e.stationId, detail: e.detail };
}
