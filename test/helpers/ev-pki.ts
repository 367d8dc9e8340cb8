// The PKI around an EV for contract installation tests: an OEM provisioning certificate issued by
// our lab OEM Sub-CA 2 with a key the test holds (the EV's), and the roots an EV trusts.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { subjectFor } from '../../src/ca/lab-hierarchy.js';
import type { CaService } from '../../src/ca/ca-service.js';

export interface TestEv {
  pcid: string;
  certificate: Uint8Array;
  privateKey: KeyObject;
}

/** A vehicle with an OEM provisioning certificate (CN = PCID) from `issuerId` (default oem-sub-ca-2). */
export async function issueTestEv(ca: CaService, pcid: string, issuerId = 'oem-sub-ca-2', validityDays?: number): Promise<TestEv> {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const issued = await ca.issue({
    issuerId,
    profile: 'oem-provisioning-leaf',
    subject: subjectFor('oem-provisioning-leaf', { CN: pcid, O: 'Test OEM', C: 'DE' }),
    publicKey: new Uint8Array(pair.publicKey.export({ format: 'der', type: 'spki' })),
    identity: pcid,
    requestedBy: 'test',
    ...(validityDays !== undefined ? { validityDays } : {}),
  });
  return { pcid, certificate: issued.der, privateKey: pair.privateKey };
}

/** The self-signed certificate of one of our CAs (v2g-root, mo-root, ...). */
export async function rootOf(ca: CaService, id: string): Promise<Uint8Array> {
  return (await ca.issuers.get(id)).certificate.certificate;
}
