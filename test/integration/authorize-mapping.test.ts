// The Authorize mapping tables themselves (pure, no server): path validation errors to
// AuthorizeCertificateStatusEnumType, certificate outcomes to AuthorizationStatusEnumType, the
// contract states, and the combination of several certificates. The end-to-end cases are in
// authorize-c07.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PathErrorCode } from '../../pki/path/validate-path.js';
import { decideAuthorize, tokenStatusFor } from '../../src/csms/c-authorization/authorize-decision.js';
import { combineChecks, type CertificateCheck, type CertificateFailure } from '../../src/csms/c-authorization/certificate-check.js';
import { chainFailureFor } from '../../src/csms/c-authorization/contract-chain.js';
import { sameEmaid, type ContractState } from '../../src/csms/c-authorization/contract-state.js';
import type { ContractRow } from '../../src/store/contracts.js';

const check = (failure: CertificateFailure | null, validUntil: Date | null = null): CertificateCheck => ({ failure, reason: failure ?? 'good', validUntil, evidence: [] });
const contract = (kind: Exclude<ContractState['kind'], 'none'>): ContractState => ({ kind, contract: { id: 'c1', notAfter: new Date('2030-01-01T00:00:00Z') } as ContractRow });
const emaid = { idToken: 'DEPLGC12345678F', type: 'eMAID' as const };

describe('Authorize mapping tables', () => {
  it('path validation errors', () => {
    const table: [Exclude<PathErrorCode, 'REVOCATION_UNKNOWN'>, CertificateFailure][] = [
      ['EXPIRED', 'CertificateExpired'],
      ['REVOKED', 'CertificateRevoked'],
      ['SIGNATURE_INVALID', 'SignatureError'],
      ['NO_TRUST_ANCHOR', 'CertChainError'],
      ['NAME_CHAINING', 'CertChainError'],
      ['NOT_A_CA', 'CertChainError'],
      ['MALFORMED', 'CertChainError'],
      ['NOT_YET_VALID', 'CertChainError'],
      ['UNSUPPORTED_ALGORITHM', 'CertChainError'],
    ];
    for (const [code, want] of table) assert.equal(chainFailureFor(code), want, code);
  });

  it('certificate outcomes to token statuses', () => {
    assert.deepEqual(
      (['CertificateRevoked', 'CertificateExpired', 'SignatureError', 'CertChainError', 'NoCertificateAvailable'] as const).map(tokenStatusFor),
      ['Blocked', 'Expired', 'Invalid', 'Invalid', 'Invalid'],
    );
  });

  it('the worst certificate wins; "not established" yields to a definite refusal; cache expiry is the earliest', () => {
    assert.equal(combineChecks([check(null), check('NoCertificateAvailable'), check('CertChainError')]).failure, 'CertChainError');
    assert.equal(combineChecks([check('NoCertificateAvailable'), check('CertificateRevoked')]).failure, 'CertificateRevoked');
    const early = new Date('2027-01-01T00:00:00Z');
    const both = combineChecks([check(null, new Date('2027-06-01T00:00:00Z')), check(null, early)]);
    assert.deepEqual([both.failure, both.validUntil], [null, early]);
  });

  const cases: [string, Parameters<typeof decideAuthorize>[0], string, string | null][] = [
    ['good chain, no contract of ours', { idToken: emaid, certificate: check(null), leafEmaid: 'DEPLGC12345678F', contract: { kind: 'none' } }, 'Accepted', 'Accepted'],
    ['good chain, active contract', { idToken: emaid, certificate: check(null), leafEmaid: 'DE-PLG-C12345678-F', contract: contract('active') }, 'Accepted', 'Accepted'],
    ['good chain, cancelled contract', { idToken: emaid, certificate: check(null), leafEmaid: null, contract: contract('cancelled') }, 'Blocked', 'ContractCancelled'],
    ['revoked certificate of a cancelled contract', { idToken: emaid, certificate: check('CertificateRevoked'), leafEmaid: null, contract: contract('cancelled') }, 'Blocked', 'ContractCancelled'],
    ['revoked certificate', { idToken: emaid, certificate: check('CertificateRevoked'), leafEmaid: null, contract: { kind: 'none' } }, 'Blocked', 'CertificateRevoked'],
    ['hash data of an expired contract', { idToken: emaid, certificate: check(null), leafEmaid: null, contract: contract('expired') }, 'Expired', 'CertificateExpired'],
    ['contract not valid yet', { idToken: emaid, certificate: check(null), leafEmaid: null, contract: contract('not-yet-valid') }, 'NotAtThisTime', 'Accepted'],
    ['certificate of another eMAID', { idToken: emaid, certificate: check(null), leafEmaid: 'NLOEMC000000101', contract: { kind: 'none' } }, 'Invalid', 'Accepted'],
    ['no status to be had', { idToken: emaid, certificate: check('NoCertificateAvailable'), leafEmaid: null, contract: null }, 'Invalid', 'NoCertificateAvailable'],
    ['eMAID alone, active contract', { idToken: emaid, certificate: null, leafEmaid: null, contract: contract('active') }, 'Accepted', null],
    ['eMAID alone, cancelled', { idToken: emaid, certificate: null, leafEmaid: null, contract: contract('cancelled') }, 'Blocked', null],
    ['eMAID alone, expired', { idToken: emaid, certificate: null, leafEmaid: null, contract: contract('expired') }, 'Expired', null],
    ['eMAID alone, unknown to us', { idToken: emaid, certificate: null, leafEmaid: null, contract: { kind: 'none' } }, 'Unknown', null],
    ['RFID card', { idToken: { idToken: '04A2B3C4', type: 'ISO14443' }, certificate: null, leafEmaid: null, contract: null }, 'Unknown', null],
  ];
  for (const [name, facts, status, certificateStatus] of cases) {
    it(`decision: ${name} -> ${status}/${certificateStatus ?? 'omitted'}`, () => {
      const d = decideAuthorize(facts);
      assert.deepEqual([d.status, d.certificateStatus], [status, certificateStatus]);
      assert.ok(d.reason.length > 0);
    });
  }

  it('eMAIDs compare without separators, case and the check digit', () => {
    assert.ok(sameEmaid('de-plg-c12345678-f', 'DEPLGC12345678F'));
    assert.ok(sameEmaid('DEPLGC12345678', 'DEPLGC12345678F'));
    assert.ok(!sameEmaid('DEPLGC12345678', 'DEPLGC12345679F'));
    assert.ok(!sameEmaid('DEPLGC12345678A', 'DEPLGC12345678F'));
  });
});
