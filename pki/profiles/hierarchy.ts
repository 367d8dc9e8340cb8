// Which profiles each CA profile may issue: the hierarchies of ISO 15118-2 Annex F and our CSMS
// hierarchy, plus a delegated OCSP signer under every CA (RFC 6960 4.2.2.2).
import type { ProfileId } from './types.js';

export const ISSUABLE: Readonly<Partial<Record<ProfileId, readonly ProfileId[]>>> = {
  'v2g-root': ['cpo-sub-ca-1', 'cps-sub-ca-1', 'ocsp-signer'],
  'cpo-sub-ca-1': ['cpo-sub-ca-2', 'ocsp-signer'],
  'cpo-sub-ca-2': ['secc-leaf', 'ocsp-signer'],
  'cps-sub-ca-1': ['cps-sub-ca-2', 'ocsp-signer'],
  'cps-sub-ca-2': ['cps-leaf', 'ocsp-signer'],
  'mo-root': ['mo-sub-ca-1', 'ocsp-signer'],
  'mo-sub-ca-1': ['mo-sub-ca-2', 'ocsp-signer'],
  'mo-sub-ca-2': ['contract-leaf', 'ocsp-signer'],
  'oem-root': ['oem-sub-ca-1', 'ocsp-signer'],
  'oem-sub-ca-1': ['oem-sub-ca-2', 'ocsp-signer'],
  'oem-sub-ca-2': ['oem-provisioning-leaf', 'ocsp-signer'],
  'csms-root': ['csms-sub-ca', 'ocsp-signer'],
  'csms-sub-ca': ['charging-station-leaf', 'csms-tls-server', 'firmware-signer', 'ocsp-signer'],
};

export function mayIssue(issuer: ProfileId, child: ProfileId): boolean {
  return ISSUABLE[issuer]?.includes(child) ?? false;
}
