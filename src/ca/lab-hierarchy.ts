// `plugtrust pki init`: the whole lab hierarchy in one go. Every CA of ISO 15118-2 (V2G with its
// CPO and CPS branches, MO, OEM) and the operator's CSMS hierarchy, a delegated OCSP signer per CA,
// the CSMS service keys (CPS signer, firmware signer, TLS server) and sample leaves for labs.
import type { DistinguishedName, NameAttributeType } from '../../pki/names.js';
import { getProfile } from '../../pki/profiles/index.js';
import type { ProfileId } from '../../pki/profiles/types.js';
import { createRoot, createSubCa, ensureOcspSigner, issueServiceKey, type HierarchyDeps } from './ca-hierarchy.js';

export interface LabOptions {
  /** The CPO's organisation name (O of station certificates, OCPP A00.FR.xxx). */
  organization: string;
  country: string;
  /** Host names and addresses of the CSMS TLS server certificate. */
  serverNames: { dns: readonly string[]; ip: readonly string[] };
  requestedBy: string;
}

export interface LabItem {
  kind: 'root' | 'sub-ca' | 'ocsp-signer' | 'service';
  id: string;
  profile: ProfileId;
  subject: string;
}

const CHAINS: readonly { id: ProfileId; parent: ProfileId | null; cn: string }[] = [
  { id: 'v2g-root', parent: null, cn: 'V2G Root CA' },
  { id: 'cpo-sub-ca-1', parent: 'v2g-root', cn: 'CPO Sub-CA 1' },
  { id: 'cpo-sub-ca-2', parent: 'cpo-sub-ca-1', cn: 'CPO Sub-CA 2' },
  { id: 'cps-sub-ca-1', parent: 'v2g-root', cn: 'CPS Sub-CA 1' },
  { id: 'cps-sub-ca-2', parent: 'cps-sub-ca-1', cn: 'CPS Sub-CA 2' },
  { id: 'mo-root', parent: null, cn: 'MO Root CA' },
  { id: 'mo-sub-ca-1', parent: 'mo-root', cn: 'MO Sub-CA 1' },
  { id: 'mo-sub-ca-2', parent: 'mo-sub-ca-1', cn: 'MO Sub-CA 2' },
  { id: 'oem-root', parent: null, cn: 'OEM Root CA' },
  { id: 'oem-sub-ca-1', parent: 'oem-root', cn: 'OEM Sub-CA 1' },
  { id: 'oem-sub-ca-2', parent: 'oem-sub-ca-1', cn: 'OEM Sub-CA 2' },
  { id: 'csms-root', parent: null, cn: 'CSMS Root CA' },
  { id: 'csms-sub-ca', parent: 'csms-root', cn: 'CSMS Sub-CA' },
];

/** A subject for a profile: the given CN, O and C, the profile's fixed values, in the profile's order. */
export function subjectFor(profileId: ProfileId, values: Partial<Record<NameAttributeType, string>>): DistinguishedName {
  const rule = getProfile(profileId).subject;
  const out: { type: NameAttributeType; value: string }[] = [];
  for (const type of [...rule.required, ...rule.optional]) {
    const value = rule.fixed?.[type] ?? values[type];
    if (value !== undefined) out.push({ type, value });
  }
  return out;
}

export async function initLabHierarchy(deps: HierarchyDeps, opts: LabOptions): Promise<LabItem[]> {
  const made: LabItem[] = [];
  const base = { O: opts.organization, C: opts.country };
  for (const ca of CHAINS) {
    const subject = subjectFor(ca.id, { ...base, CN: `${opts.organization} ${ca.cn}`.slice(0, 64) });
    if (ca.parent === null) await createRoot(deps, { id: ca.id, profile: ca.id, subject, requestedBy: opts.requestedBy, lab: true });
    else await createSubCa(deps, { id: ca.id, parentId: ca.parent, profile: ca.id, subject, requestedBy: opts.requestedBy, lab: true });
    made.push({ kind: ca.parent === null ? 'root' : 'sub-ca', id: ca.id, profile: ca.id, subject: subject.map((a) => `${a.type}=${a.value}`).join(', ') });
  }
  for (const ca of CHAINS) {
    const subject = subjectFor('ocsp-signer', { ...base, CN: `${opts.organization} ${ca.cn} OCSP`.slice(0, 64) });
    await ensureOcspSigner(deps, ca.id, subject, opts.requestedBy);
    made.push({ kind: 'ocsp-signer', id: `${ca.id}:ocsp`, profile: 'ocsp-signer', subject: subject.map((a) => `${a.type}=${a.value}`).join(', ') });
  }
  const services: { purpose: string; issuerId: string; profile: ProfileId; cn: string; altNames?: { dns: readonly string[]; ip: readonly string[] } }[] = [
    { purpose: 'cps-signer', issuerId: 'cps-sub-ca-2', profile: 'cps-leaf', cn: `${opts.organization} CPS` },
    { purpose: 'firmware-signer', issuerId: 'csms-sub-ca', profile: 'firmware-signer', cn: `${opts.organization} Firmware Signer` },
    { purpose: 'csms-tls-server', issuerId: 'csms-sub-ca', profile: 'csms-tls-server', cn: opts.serverNames.dns[0] ?? 'localhost', altNames: opts.serverNames },
    { purpose: 'lab:secc-leaf', issuerId: 'cpo-sub-ca-2', profile: 'secc-leaf', cn: 'DE-PLG-S-00000000000000000000000000000001' },
    { purpose: 'lab:oem-provisioning-leaf', issuerId: 'oem-sub-ca-2', profile: 'oem-provisioning-leaf', cn: 'WMIV1234567890ABCD' },
  ];
  for (const s of services) {
    const subject = subjectFor(s.profile, { ...base, CN: s.cn });
    await issueServiceKey(deps, s.purpose, { issuerId: s.issuerId, profile: s.profile, subject, identity: s.cn, requestedBy: opts.requestedBy, ...(s.altNames ? { altNames: s.altNames } : {}) });
    made.push({ kind: 'service', id: s.purpose, profile: s.profile, subject: subject.map((a) => `${a.type}=${a.value}`).join(', ') });
  }
  return made;
}
