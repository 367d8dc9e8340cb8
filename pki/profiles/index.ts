// Every certificate profile by id. The objects are frozen at load: a profile is shared by every
// issuance, and a caller that changed one would change what the CA signs for everyone.
import { chargingStationLeaf } from './charging-station-leaf.js';
import { contractLeaf } from './contract-leaf.js';
import { cpoSubCa1 } from './cpo-sub-ca-1.js';
import { cpoSubCa2 } from './cpo-sub-ca-2.js';
import { cpsLeaf } from './cps-leaf.js';
import { cpsSubCa1 } from './cps-sub-ca-1.js';
import { cpsSubCa2 } from './cps-sub-ca-2.js';
import { csmsRoot } from './csms-root.js';
import { csmsSubCa } from './csms-sub-ca.js';
import { csmsTlsServer } from './csms-tls-server.js';
import { firmwareSigner } from './firmware-signer.js';
import { moRoot } from './mo-root.js';
import { moSubCa1 } from './mo-sub-ca-1.js';
import { moSubCa2 } from './mo-sub-ca-2.js';
import { ocspSigner } from './ocsp-signer.js';
import { oemProvisioningLeaf } from './oem-provisioning-leaf.js';
import { oemRoot } from './oem-root.js';
import { oemSubCa1 } from './oem-sub-ca-1.js';
import { oemSubCa2 } from './oem-sub-ca-2.js';
import { seccLeaf } from './secc-leaf.js';
import type { CertificateProfile, ProfileId } from './types.js';
import { v2gRoot } from './v2g-root.js';

export const PROFILES: Readonly<Record<ProfileId, CertificateProfile>> = deepFreeze({
  'v2g-root': v2gRoot,
  'cpo-sub-ca-1': cpoSubCa1,
  'cpo-sub-ca-2': cpoSubCa2,
  'secc-leaf': seccLeaf,
  'cps-sub-ca-1': cpsSubCa1,
  'cps-sub-ca-2': cpsSubCa2,
  'cps-leaf': cpsLeaf,
  'mo-root': moRoot,
  'mo-sub-ca-1': moSubCa1,
  'mo-sub-ca-2': moSubCa2,
  'contract-leaf': contractLeaf,
  'oem-root': oemRoot,
  'oem-sub-ca-1': oemSubCa1,
  'oem-sub-ca-2': oemSubCa2,
  'oem-provisioning-leaf': oemProvisioningLeaf,
  'csms-root': csmsRoot,
  'csms-sub-ca': csmsSubCa,
  'charging-station-leaf': chargingStationLeaf,
  'csms-tls-server': csmsTlsServer,
  'ocsp-signer': ocspSigner,
  'firmware-signer': firmwareSigner,
});

export function getProfile(id: ProfileId): CertificateProfile {
  return PROFILES[id];
}

/** For ids that arrive as plain strings (API bodies, stored rows) before getProfile. */
export function isProfileId(value: string): value is ProfileId {
  return Object.hasOwn(PROFILES, value);
}

/**
 * Freezes objects, arrays and RegExps all the way down. A frozen RegExp still tests (a pattern
 * without the g or y flag never writes lastIndex); one with them would throw instead of
 * alternating between true and false.
 */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
