// A test PKI built at run time by pki/ itself: deterministic P-256 keys (TEST KEYS, derived from a
// label, never used outside tests), a fixed clock, fixed serials. Nothing here expires in CI.
import { createECDH, createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import { buildTbs, type IssuerContext } from '../../pki/certificate/build-tbs.js';
import { keyIdentifier } from '../../pki/certificate/extensions.js';
import { lintTbs } from '../../pki/certificate/lint-tbs.js';
import { parseCertificate } from '../../pki/certificate/parse-certificate.js';
import { signCertificate } from '../../pki/certificate/sign-certificate.js';
import type { DistinguishedName } from '../../pki/names.js';
import { getProfile } from '../../pki/profiles/index.js';
import type { ProfileId } from '../../pki/profiles/types.js';
import type { Signer } from '../../pki/signer.js';
import { softwareSigner } from '../../src/ca/software-signer.js';
import { subjectFor } from '../../src/ca/lab-hierarchy.js';

const b64url = (b: Buffer): string => b.toString('base64url');

/** A P-256 TEST KEY derived from `label`: the same label always gives the same key. */
export function testKey(label: string): { privateKey: KeyObject; publicKey: Uint8Array; signer: Signer } {
  const d = createHash('sha256').update(`plugtrust test key: ${label}`).digest();
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(d);
  const pub = ecdh.getPublicKey();
  const privateKey = createPrivateKey({ key: { kty: 'EC', crv: 'P-256', d: b64url(d), x: b64url(pub.subarray(1, 33)), y: b64url(pub.subarray(33, 65)) }, format: 'jwk' });
  const signer = softwareSigner(privateKey);
  return { privateKey, publicKey: signer.publicKey, signer };
}

/** A fixed serial of 16 octets derived from `label`, positive and of full length. */
export function testSerial(label: string): Uint8Array {
  const s = new Uint8Array(createHash('sha256').update(`serial: ${label}`).digest().subarray(0, 16));
  s[0] = ((s[0] as number) & 0x3f) | 0x40;
  return s;
}

export const FIXED_NOW = new Date('2026-01-01T00:00:00Z');
export const TEST_BASE_URL = 'http://pki.test.invalid';

export interface TestCa {
  profile: ProfileId;
  der: Uint8Array;
  signer: Signer;
  context: IssuerContext;
}

/** A CA certificate of `profile`, self-signed when `parent` is null. */
export async function testCa(profile: ProfileId, parent: TestCa | null, subject?: DistinguishedName): Promise<TestCa> {
  const p = getProfile(profile);
  const key = testKey(profile);
  const notBefore = parent ? parent.context.notBefore : FIXED_NOW;
  const notAfter = new Date(notBefore.getTime() + Math.min(p.defaultValidityDays * 86_400_000, parent ? parent.context.notAfter.getTime() - notBefore.getTime() : Infinity));
  const built = buildTbs({
    profile: p,
    serial: testSerial(profile),
    subject: subject ?? subjectFor(profile, { CN: `Test ${profile}`, O: 'Test CPO', C: 'DE' }),
    publicKey: key.publicKey,
    notBefore,
    notAfter,
    issuer: parent ? parent.context : { self: true, signatureAlgorithm: key.signer.algorithm },
  });
  const lint = lintTbs(built);
  if (!lint.ok) throw new Error(`test CA ${profile} fails lint: ${JSON.stringify(lint.findings)}`);
  const der = await signCertificate(lint.linted, parent ? parent.signer : key.signer);
  const cert = parseCertificate(der);
  return {
    profile,
    der,
    signer: key.signer,
    context: {
      subjectDer: cert.subjectDer,
      keyIdentifier: keyIdentifier(key.publicKey),
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      pathLen: p.basicConstraints.ca ? p.basicConstraints.pathLen : null,
      profile: p,
      signatureAlgorithm: key.signer.algorithm,
      ocspUrl: `${TEST_BASE_URL}/ocsp`,
      crlUrl: `${TEST_BASE_URL}/crl/${profile}.crl`,
    },
  };
}
