// The contract provider's trust store (OEM provisioning and contract certificates): paths built by
// issuer name from its intermediates, validated against its anchors; a configured certificate the
// path validator cannot read is left out instead of failing every validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePathCertificate } from '../../pki/path/parsed-certificate.js';
import { subjectFor } from '../../src/ca/lab-hierarchy.js';
import { createCertificateTrust } from '../../src/contract-provider/certificate-trust.js';
import { FIXED_NOW, testCa } from '../helpers/test-pki.js';

test('a leaf validates through the store intermediates; unreadable ones are left out; a foreign leaf finds no anchor', async () => {
  const root = await testCa('oem-root', null);
  const sub1 = await testCa('oem-sub-ca-1', root);
  const sub2 = await testCa('oem-sub-ca-2', sub1);
  const leaf = await testCa('oem-provisioning-leaf', sub2, subjectFor('oem-provisioning-leaf', { CN: 'WMIV1234567890ABCD', O: 'Test OEM', C: 'DE' }));
  const at = new Date(FIXED_NOW.getTime() + 86_400_000);
  const garbage = Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00);
  const trust = createCertificateTrust(async () => ({ anchors: [root.der], intermediates: [garbage, sub1.der, sub2.der] }));
  assert.deepEqual(await trust.check(parsePathCertificate(leaf.der), [], at), { ok: true });

  const otherRoot = await testCa('mo-root', null);
  const foreign = await testCa('mo-sub-ca-1', otherRoot);
  const outcome = await trust.check(parsePathCertificate(foreign.der), [], at);
  assert.equal(outcome.ok, false);

  // Without the intermediates the leaf has no path to the anchor.
  const bare = createCertificateTrust(async () => ({ anchors: [root.der], intermediates: [] }));
  assert.equal((await bare.check(parsePathCertificate(leaf.der), [], at)).ok, false);
  // The sub-CAs may also come with the request.
  assert.deepEqual(await bare.check(parsePathCertificate(leaf.der), [sub2.der, sub1.der], at), { ok: true });
});
