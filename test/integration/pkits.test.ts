// pki/path/validate-path.ts against NIST PKITS (Certification Path Validation test suite).
//
// In scope, every test of:
//   4.1 signature verification (DSA included: PKITS signs those with dsa-with-sha1, so this run
//       allows SHA-1), 4.2 validity periods, 4.3 name chaining, 4.4 basic revocation,
//   4.5 self-issued certificates, 4.6 basic constraints, 4.7 key usage, 4.14 distribution points
//   (partitioned, reason-limited and indirect CRLs), 4.15 delta CRLs, 4.16 private extensions.
// Out of scope, and why:
//   4.8-4.12 certificate policies, policy mappings, requireExplicitPolicy, inhibitPolicyMapping,
//       inhibitAnyPolicy: Plug & Charge paths carry no policy constraints, and we run with
//       initial-policy-set any-policy and no explicit policy, where the policy tree cannot change
//       the outcome. A certificate that could make it matter (critical policyMappings, or
//       policyConstraints with requireExplicitPolicy) is refused as UNKNOWN_CRITICAL_EXTENSION.
//   4.13 name constraints: not processed; a (necessarily critical) nameConstraints extension is
//       refused as UNKNOWN_CRITICAL_EXTENSION rather than ignored.
// The PKITS files come from the Debian package python3-cryptography-vectors (or $PKITS_DIR). Without
// them this suite is skipped with a message, and fails when $CI is set, so CI cannot pass silently.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validatePath } from '../../pki/path/validate-path.js';
import type { PathResult } from '../../pki/path/types.js';
import { PKITS_CASES, PKITS_SECTIONS, PKITS_TIME, type PkitsCase } from '../helpers/pkits-cases.js';
import { findPkitsData, loadPkitsCase, PKITS_PACKAGE } from '../helpers/pkits-data.js';

const dir = findPkitsData();
const missing = `NIST PKITS data not found: install ${PKITS_PACKAGE} (apt-get install -y ${PKITS_PACKAGE}) or set PKITS_DIR`;

async function run(c: PkitsCase, data: string, withAnchorInChain = false): Promise<PathResult> {
  const inputs = loadPkitsCase(data, c);
  return validatePath({
    chain: withAnchorInChain ? [...inputs.chain, ...inputs.anchors] : inputs.chain,
    anchors: inputs.anchors,
    crls: inputs.crls,
    otherCertificates: inputs.otherCertificates,
    at: PKITS_TIME,
    revocation: 'require',
    allowSha1Signatures: true,
  });
}

const outcome = (r: PathResult): string => (r.ok ? 'valid' : `${r.code} at ${r.index}: ${r.detail}`);

if (!dir) {
  if (process.env.CI) {
    it('NIST PKITS data is installed', () => assert.fail(missing));
  } else {
    it('NIST PKITS', { skip: missing }, () => undefined);
  }
} else {
  const data = dir;
  describe('NIST PKITS', () => {
    for (const [section, title] of Object.entries(PKITS_SECTIONS)) {
      describe(`${section} ${title}`, () => {
        for (const c of PKITS_CASES.filter((x) => x.id.startsWith(`${section}.`))) {
          it(`${c.id} ${c.name}: ${c.expect === 'valid' ? 'valid' : `${c.expect.code} at ${c.expect.index}`} (${c.why})`, async () => {
            const r = await run(c, data);
            if (c.expect === 'valid') {
              assert.equal(r.ok, true, outcome(r));
              if (r.ok) {
                assert.equal(r.path.length, 1 + c.path.length);
                assert.ok(r.revocation.every((x) => x === 'good-by-crl'));
              }
              // The anchor may end the chain; the outcome is the same.
              const again = await run(c, data, true);
              assert.equal(again.ok, true, outcome(again));
            } else {
              assert.equal(r.ok, false, 'validated, but PKITS expects a rejection');
              if (!r.ok) assert.deepEqual({ code: r.code, index: r.index }, c.expect, r.detail);
            }
          });
        }
      });
    }

    it('covers every test of the sections in scope', () => {
      const counts = Object.fromEntries(Object.keys(PKITS_SECTIONS).map((s) => [s, PKITS_CASES.filter((c) => c.id.startsWith(`${s}.`)).length]));
      // Test counts per section in the PKITS document.
      assert.deepEqual(counts, { '4.1': 6, '4.2': 8, '4.3': 11, '4.4': 21, '4.5': 8, '4.6': 17, '4.7': 5, '4.14': 35, '4.15': 10, '4.16': 2 });
      assert.equal(new Set(PKITS_CASES.map((c) => c.id)).size, PKITS_CASES.length);
    });

    it('with revocation off, the revocation failures validate (the failure was the revocation)', async () => {
      const revocationCodes = new Set(['REVOKED', 'REVOCATION_UNKNOWN', 'CRL_INVALID', 'CRL_EXPIRED']);
      for (const c of PKITS_CASES) {
        if (c.expect === 'valid' || !revocationCodes.has(c.expect.code)) continue;
        const inputs = loadPkitsCase(data, c);
        const r = await validatePath({ ...inputs, at: PKITS_TIME, revocation: 'off', allowSha1Signatures: true });
        assert.equal(r.ok, true, `${c.id}: ${outcome(r)}`);
      }
    });
  });
}
