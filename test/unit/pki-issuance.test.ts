// Building, linting and signing certificates: what the linter refuses, that only a linted value
// is signed and only once, and golden text dumps of every profile (openssl prints them; fixed
// clock, serials and test keys; refresh with UPDATE_GOLDEN=1 on purpose only).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildTbs, type CertificateTemplate, type UnlintedTbs } from '../../pki/certificate/build-tbs.js';
import { lintTbs, type LintCode } from '../../pki/certificate/lint-tbs.js';
import { toPem } from '../../pki/certificate/parse-certificate.js';
import { signCertificate } from '../../pki/certificate/sign-certificate.js';
import { PkiError } from '../../pki/errors.js';
import { PROFILES, getProfile } from '../../pki/profiles/index.js';
import type { ProfileId } from '../../pki/profiles/types.js';
import type { Signer } from '../../pki/signer.js';
import { generateKey } from '../../src/ca/software-signer.js';
import { subjectFor } from '../../src/ca/lab-hierarchy.js';
import { FIXED_NOW, testCa, testKey, testSerial, type TestCa } from '../helpers/test-pki.js';

const DAY = 86_400_000;
const PARENT: Partial<Record<ProfileId, ProfileId>> = {
  'cpo-sub-ca-1': 'v2g-root', 'cpo-sub-ca-2': 'cpo-sub-ca-1', 'secc-leaf': 'cpo-sub-ca-2',
  'cps-sub-ca-1': 'v2g-root', 'cps-sub-ca-2': 'cps-sub-ca-1', 'cps-leaf': 'cps-sub-ca-2',
  'mo-sub-ca-1': 'mo-root', 'mo-sub-ca-2': 'mo-sub-ca-1', 'contract-leaf': 'mo-sub-ca-2',
  'oem-sub-ca-1': 'oem-root', 'oem-sub-ca-2': 'oem-sub-ca-1', 'oem-provisioning-leaf': 'oem-sub-ca-2',
  'csms-sub-ca': 'csms-root', 'charging-station-leaf': 'csms-sub-ca', 'csms-tls-server': 'csms-sub-ca', 'firmware-signer': 'csms-sub-ca', 'ocsp-signer': 'csms-sub-ca',
};
const LEAF_CN: Partial<Record<ProfileId, string>> = {
  'secc-leaf': 'DE-PLG-S-00000000000000000000000000000001',
  'contract-leaf': 'DE8AA001234567',
  'oem-provisioning-leaf': 'WMIV1234567890ABCD',
  'charging-station-leaf': 'CS-0001',
  'csms-tls-server': 'csms.example.com',
};

const cas = new Map<ProfileId, Promise<TestCa>>();
function ca(profile: ProfileId): Promise<TestCa> {
  let c = cas.get(profile);
  if (!c) {
    const parent = PARENT[profile];
    c = parent ? ca(parent).then((p) => testCa(profile, p)) : testCa(profile, null);
    cas.set(profile, c);
  }
  return c;
}

async function leafTemplate(profile: ProfileId, over: Partial<CertificateTemplate> = {}): Promise<CertificateTemplate> {
  const issuer = await ca(PARENT[profile]!);
  const p = getProfile(profile);
  return {
    profile: p,
    serial: testSerial(`leaf ${profile}`),
    subject: subjectFor(profile, { CN: LEAF_CN[profile] ?? `Test ${profile}`, O: 'Test CPO', C: 'DE' }),
    publicKey: testKey(`leaf ${profile}`).publicKey,
    notBefore: issuer.context.notBefore,
    notAfter: new Date(issuer.context.notBefore.getTime() + p.defaultValidityDays * DAY),
    issuer: issuer.context,
    ...(profile === 'csms-tls-server' ? { altNames: { dns: ['csms.example.com'], ip: ['127.0.0.1'] } } : {}),
    ...over,
  };
}

function findingCodes(u: UnlintedTbs): LintCode[] {
  const r = lintTbs(u);
  return r.ok ? [] : r.findings.map((f) => f.code);
}

describe('linted issuance', () => {
  it('lints clean for every profile built as the profile says', async () => {
    for (const id of Object.keys(PROFILES) as ProfileId[]) {
      const t = PARENT[id] && getProfile(id).kind !== 'sub-ca' ? await leafTemplate(id) : null;
      if (t) assert.deepEqual(findingCodes(buildTbs(t)), [], id);
      else await ca(id); // roots and sub-CAs throw on lint failure
    }
  });

  const cases: [string, () => Promise<UnlintedTbs>, LintCode][] = [
    ['validity beyond the profile maximum', async () => buildTbs(await leafTemplate('secc-leaf', { notAfter: new Date(FIXED_NOW.getTime() + 400 * DAY) })), 'VALIDITY'],
    ['validity outside the issuer', async () => buildTbs(await leafTemplate('charging-station-leaf', { notBefore: new Date(FIXED_NOW.getTime() - DAY) })), 'VALIDITY_OUTSIDE_ISSUER'],
    ['P-384 key on an ISO 15118 profile', async () => buildTbs(await leafTemplate('contract-leaf', { publicKey: generateKey({ kind: 'ec', curve: 'P-384' }).publicKey })), 'PUBLIC_KEY'],
    ['RSA 1024 key on a station certificate', async () => buildTbs(await leafTemplate('charging-station-leaf', { publicKey: new Uint8Array(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'der', type: 'spki' })) })), 'PUBLIC_KEY'],
    ['DC other than the fixed value', async () => buildTbs(await leafTemplate('secc-leaf', { subject: [{ type: 'CN', value: LEAF_CN['secc-leaf']! }, { type: 'O', value: 'X' }, { type: 'C', value: 'DE' }, { type: 'DC', value: 'MO' }] })), 'SUBJECT'],
    ['eMAID that is not an eMAID', async () => buildTbs(await leafTemplate('contract-leaf', { subject: subjectFor('contract-leaf', { CN: 'not an emaid', O: 'X', C: 'DE' }) })), 'SUBJECT'],
    ['serial of fewer than 64 bits', async () => buildTbs(await leafTemplate('secc-leaf', { serial: Uint8Array.of(0x12, 0x34) })), 'SERIAL'],
    ['a leaf profile signed for a CA template (keyUsage differs)', async () => ({ der: buildTbs(await leafTemplate('secc-leaf')).der, template: await leafTemplate('contract-leaf') }), 'KEY_USAGE'],
    ['a CA under an issuer with pathLen 0', async () => {
      const issuer = await ca('cpo-sub-ca-2');
      return buildTbs({ ...(await leafTemplate('secc-leaf')), profile: getProfile('cpo-sub-ca-2'), subject: subjectFor('cpo-sub-ca-2', { CN: 'rogue', O: 'X', C: 'DE' }), issuer: issuer.context });
    }, 'PATH_LENGTH'],
    ['an issuer name that is not the issuer subject', async () => {
      const t = await leafTemplate('secc-leaf');
      return { der: buildTbs({ ...t, issuer: { ...t.issuer as TestCa['context'], subjectDer: (await ca('v2g-root')).context.subjectDer } }).der, template: t };
    }, 'ISSUER_NAME'],
    ['AKI naming another key', async () => {
      const t = await leafTemplate('secc-leaf');
      return { der: buildTbs({ ...t, issuer: { ...t.issuer as TestCa['context'], keyIdentifier: new Uint8Array(20) } }).der, template: t };
    }, 'KEY_IDENTIFIER'],
    ['CDP pointing at another CA', async () => {
      const t = await leafTemplate('secc-leaf');
      return { der: buildTbs({ ...t, issuer: { ...t.issuer as TestCa['context'], crlUrl: 'http://elsewhere/crl' } }).der, template: t };
    }, 'REVOCATION_POINTERS'],
    ['an extension the profile does not allow', async () => ({ der: buildTbs(await leafTemplate('csms-tls-server')).der, template: { ...(await leafTemplate('csms-tls-server')), altNames: undefined as never } }), 'EXTENSION_NOT_ALLOWED'],
  ];
  for (const [name, make, code] of cases) {
    it(`refuses ${name} (${code})`, async () => {
      assert.ok(findingCodes(await make()).includes(code), `expected ${code}, got ${findingCodes(await make()).join(',')}`);
    });
  }

  it('never reaches the signer when lint fails, and signs a linted value only once', async () => {
    const calls: Uint8Array[] = [];
    const real = testKey('cpo-sub-ca-2').signer;
    const spy: Signer = { algorithm: real.algorithm, publicKey: real.publicKey, sign: (d) => (calls.push(d), real.sign(d)) };
    const bad = lintTbs(buildTbs(await leafTemplate('secc-leaf', { notAfter: new Date(FIXED_NOW.getTime() + 999 * DAY) })));
    assert.equal(bad.ok, false);
    assert.equal(calls.length, 0);
    const good = lintTbs(buildTbs(await leafTemplate('secc-leaf')));
    assert.ok(good.ok);
    await signCertificate(good.linted, spy);
    assert.equal(calls.length, 1);
    await assert.rejects(signCertificate(good.linted, spy), (e: unknown) => e instanceof PkiError && e.code === 'LINTED_TBS_REUSED');
    assert.equal(calls.length, 1);
  });

  it('refuses a signer whose algorithm differs from the one the certificate names', async () => {
    const good = lintTbs(buildTbs(await leafTemplate('charging-station-leaf')));
    assert.ok(good.ok);
    const rsa = generateKey({ kind: 'rsa', minBits: 2048 });
    const { softwareSigner } = await import('../../src/ca/software-signer.js');
    await assert.rejects(signCertificate(good.linted, softwareSigner(rsa.privateKey)), (e: unknown) => e instanceof PkiError && e.code === 'UNSUPPORTED_ALGORITHM');
  });
});

const GOLDEN_DIR = join(import.meta.dirname, '..', 'golden');

describe('golden certificates (openssl -text, signature omitted)', () => {
  for (const id of Object.keys(PROFILES) as ProfileId[]) {
    it(id, async () => {
      let der: Uint8Array;
      if (getProfile(id).kind === 'leaf') {
        const t = await leafTemplate(id);
        const lint = lintTbs(buildTbs(t));
        assert.ok(lint.ok, JSON.stringify(!lint.ok && lint.findings));
        der = await signCertificate(lint.linted, (await ca(PARENT[id]!)).signer);
      } else der = (await ca(id)).der;
      const text = execFileSync('openssl', ['x509', '-noout', '-text', '-certopt', 'no_sigdump'], { input: toPem(der, 'CERTIFICATE') }).toString();
      const file = join(GOLDEN_DIR, `${id}.txt`);
      if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
        assert.ok(process.env.CI !== 'true', `golden file ${file} missing in CI`);
        mkdirSync(GOLDEN_DIR, { recursive: true });
        writeFileSync(file, text);
      }
      assert.equal(text, readFileSync(file, 'utf8'));
    });
  }
});
