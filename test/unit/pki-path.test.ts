// Path validation (pki/path) on small chains generated at run time by an independent builder
// (@peculiar/x509 over WebCrypto): each case breaks one rule of RFC 5280 section 6 and expects its
// code at the right index. Then the revocation inputs (status hook, CRLs), misuse, and a fuzz run
// that mutates bytes of a valid chain and must only ever get results back.
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { before, describe, it } from 'node:test';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { PkiError } from '../../pki/errors.js';
import { OID } from '../../pki/oids.js';
import { parsePathCertificate, type PathCertificate } from '../../pki/path/parsed-certificate.js';
import type { CertificateStatus, PathErrorCode, PathResult, ValidatePathInput } from '../../pki/path/types.js';
import { MAX_CHAIN_LENGTH, validatePath } from '../../pki/path/validate-path.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const NOW = new Date('2026-03-01T12:00:00Z');
const NOT_BEFORE = new Date('2026-01-01T00:00:00Z');
const NOT_AFTER = new Date('2030-01-01T00:00:00Z');
const KU = x509.KeyUsageFlags;
const CA_USAGE = KU.keyCertSign | KU.cRLSign;
const LEAF_USAGE = KU.digitalSignature | KU.keyAgreement;

type KeyKind = 'P-256' | 'P-384' | 'RSA-SHA256' | 'RSA-SHA1';
interface Party {
  name: string;
  keys: CryptoKeyPair;
  kind: KeyKind;
}

function algorithmOf(kind: KeyKind): webcrypto.EcKeyGenParams | webcrypto.RsaHashedKeyGenParams {
  if (kind === 'P-256' || kind === 'P-384') return { name: 'ECDSA', namedCurve: kind };
  return { name: 'RSASSA-PKCS1-v1_5', hash: kind === 'RSA-SHA1' ? 'SHA-1' : 'SHA-256', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) };
}
const signingOf = (kind: KeyKind): webcrypto.Algorithm | webcrypto.EcdsaParams =>
  kind === 'P-256' ? { name: 'ECDSA', hash: 'SHA-256' } : kind === 'P-384' ? { name: 'ECDSA', hash: 'SHA-384' } : { name: 'RSASSA-PKCS1-v1_5', hash: kind === 'RSA-SHA1' ? 'SHA-1' : 'SHA-256' };

async function party(name: string, kind: KeyKind = 'P-256'): Promise<Party> {
  const keys = await webcrypto.subtle.generateKey(algorithmOf(kind), true, ['sign', 'verify']);
  return { name, keys, kind };
}

let serial = 0x100;
interface IssueOptions {
  ca?: boolean;
  pathLen?: number;
  keyUsage?: number | null;
  eku?: string[];
  extra?: x509.Extension[];
  notBefore?: Date;
  notAfter?: Date;
  serialNumber?: string;
}

/** A certificate for `subject`, signed by `issuer` (self-signed when they are the same party). */
async function issue(subject: Party, issuer: Party, o: IssueOptions = {}): Promise<Uint8Array> {
  const extensions: x509.Extension[] = [];
  if (o.ca !== undefined) extensions.push(new x509.BasicConstraintsExtension(o.ca, o.pathLen, true));
  const usage = o.keyUsage === undefined ? (o.ca ? CA_USAGE : LEAF_USAGE) : o.keyUsage;
  if (usage !== null) extensions.push(new x509.KeyUsagesExtension(usage, true));
  if (o.eku) extensions.push(new x509.ExtendedKeyUsageExtension(o.eku, false));
  extensions.push(...(o.extra ?? []));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: o.serialNumber ?? (serial++).toString(16),
    subject: subject.name,
    issuer: issuer.name,
    notBefore: o.notBefore ?? NOT_BEFORE,
    notAfter: o.notAfter ?? NOT_AFTER,
    signingAlgorithm: signingOf(issuer.kind),
    publicKey: subject.keys.publicKey,
    signingKey: issuer.keys.privateKey,
    extensions,
  });
  return new Uint8Array(cert.rawData);
}

async function crlOf(issuer: Party, o: { revoked?: { serialNumber: string; reason?: x509.X509CrlReason }[]; nextUpdate?: Date; extensions?: x509.Extension[] } = {}): Promise<Uint8Array> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: issuer.name,
    thisUpdate: new Date('2026-02-28T00:00:00Z'),
    nextUpdate: o.nextUpdate ?? new Date('2026-03-07T00:00:00Z'),
    signingAlgorithm: signingOf(issuer.kind),
    signingKey: issuer.keys.privateKey,
    entries: (o.revoked ?? []).map((r) => ({ ...r, revocationDate: new Date('2026-02-15T00:00:00Z') })),
    extensions: o.extensions ?? [],
  });
  return new Uint8Array(crl.rawData);
}

/** An extension we do not know: a private OID with an empty SEQUENCE as value. */
const unknownExtension = (critical: boolean): x509.Extension => new x509.Extension('1.3.6.1.4.1.99999.1', critical, new Uint8Array([0x30, 0x00]));

function assertFailure(r: PathResult, code: PathErrorCode, index: number): void {
  assert.equal(r.ok, false, 'validated, but a failure was expected');
  if (!r.ok) assert.deepEqual({ code: r.code, index: r.index }, { code, index }, r.detail);
}
const assertValid = (r: PathResult): void => assert.equal(r.ok, true, r.ok ? '' : `${r.code} at ${r.index}: ${r.detail}`);

describe('validatePath', () => {
  let root: Party;
  let sub: Party;
  let leaf: Party;
  let rootCert: Uint8Array;
  let subCert: Uint8Array;
  let leafCert: Uint8Array;
  const base = (chain: (Uint8Array | PathCertificate)[], extra: Partial<ValidatePathInput> = {}): ValidatePathInput => ({ chain, anchors: [rootCert], at: NOW, ...extra });

  before(async () => {
    root = await party('CN=Test V2G Root CA, O=plugtrust test, C=DE');
    sub = await party('CN=Test CPO Sub-CA 1, O=plugtrust test, C=DE');
    leaf = await party('CN=TESTCS0001, O=plugtrust test, C=DE');
    rootCert = await issue(root, root, { ca: true });
    subCert = await issue(sub, root, { ca: true, pathLen: 0 });
    leafCert = await issue(leaf, sub, { ca: false, eku: [OID.kpClientAuth] });
  });

  describe('accepts', () => {
    it('a valid leaf -> sub-CA -> root path, with or without the anchor at the end', async () => {
      const r = await validatePath(base([leafCert, subCert]));
      assertValid(r);
      if (r.ok) {
        assert.equal(r.path.length, 2);
        assert.deepEqual(r.revocation, ['not-checked', 'not-checked']);
        assert.equal(r.path[0]!.issuer.key, r.path[1]!.subject.key);
        assert.equal(r.anchor.subject.key, r.path[1]!.issuer.key);
      }
      assertValid(await validatePath(base([leafCert, subCert, rootCert])));
    });

    it('certificates the caller has already read (parsePathCertificate), with the same verdicts as their DER', async () => {
      const parsed = [leafCert, subCert].map((d) => parsePathCertificate(d));
      assertValid(await validatePath(base([parsed[0]!, subCert])));
      assertValid(await validatePath(base(parsed)));
      const expired = await issue(leaf, sub, { ca: false, notAfter: new Date('2026-02-01T00:00:00Z') });
      assertFailure(await validatePath(base([parsePathCertificate(expired), subCert])), 'EXPIRED', 0);
      const other = await party('CN=Another Root');
      assertFailure(await validatePath(base([parsePathCertificate(await issue(leaf, other, { ca: false }))])), 'NO_TRUST_ANCHOR', 0);
    });

    it('the leaf usages the caller requires when present', async () => {
      assertValid(await validatePath(base([leafCert, subCert], { requiredLeafKeyUsage: ['digitalSignature', 'keyAgreement'], requiredLeafExtKeyUsage: [OID.kpClientAuth] })));
    });

    it('P-384 with SHA-384 and RSA PKCS#1 v1.5 with SHA-256', async () => {
      const r384 = await party('CN=Root P-384', 'P-384');
      const rsa = await party('CN=Sub RSA', 'RSA-SHA256');
      const rootDer = await issue(r384, r384, { ca: true });
      const subDer = await issue(rsa, r384, { ca: true });
      const leafDer = await issue(leaf, rsa, { ca: false });
      assertValid(await validatePath({ chain: [leafDer, subDer], anchors: [rootDer], at: NOW }));
    });

    it('a self-issued intermediate (key rollover) that does not count against pathLenConstraint 0', async () => {
      const subNewKey = await party(sub.name);
      const rollover = await issue(subNewKey, sub, { ca: true });
      const leafOfNew = await issue(leaf, subNewKey, { ca: false });
      assertValid(await validatePath(base([leafOfNew, rollover, subCert])));
    });

    it('an unknown extension that is not critical', async () => {
      assertValid(await validatePath(base([await issue(leaf, sub, { ca: false, extra: [unknownExtension(false)] }), subCert])));
    });
  });

  describe('rejects, with the code and the certificate at fault', () => {
    it('PATH_LENGTH_EXCEEDED: a CA below a pathLenConstraint 0', async () => {
      const sub2 = await party('CN=Test CPO Sub-CA 2');
      const sub2Cert = await issue(sub2, sub, { ca: true });
      assertFailure(await validatePath(base([await issue(leaf, sub2, { ca: false }), sub2Cert, subCert])), 'PATH_LENGTH_EXCEEDED', 1);
    });

    it('KEY_USAGE: an intermediate without keyCertSign', async () => {
      const noSign = await issue(sub, root, { ca: true, keyUsage: KU.cRLSign | KU.digitalSignature });
      assertFailure(await validatePath(base([leafCert, noSign])), 'KEY_USAGE', 1);
    });

    it('KEY_USAGE and EXT_KEY_USAGE: a leaf without what the caller requires', async () => {
      assertFailure(await validatePath(base([leafCert, subCert], { requiredLeafKeyUsage: ['keyEncipherment'] })), 'KEY_USAGE', 0);
      assertFailure(await validatePath(base([leafCert, subCert], { requiredLeafExtKeyUsage: [OID.kpServerAuth] })), 'EXT_KEY_USAGE', 0);
      const bare = await issue(leaf, sub, { ca: false, keyUsage: null });
      assertFailure(await validatePath(base([bare, subCert], { requiredLeafKeyUsage: ['digitalSignature'] })), 'KEY_USAGE', 0);
    });

    it('UNKNOWN_CRITICAL_EXTENSION: in the leaf and in an intermediate', async () => {
      assertFailure(await validatePath(base([await issue(leaf, sub, { ca: false, extra: [unknownExtension(true)] }), subCert])), 'UNKNOWN_CRITICAL_EXTENSION', 0);
      const subCritical = await issue(sub, root, { ca: true, extra: [unknownExtension(true)] });
      assertFailure(await validatePath(base([leafCert, subCritical])), 'UNKNOWN_CRITICAL_EXTENSION', 1);
    });

    it('UNKNOWN_CRITICAL_EXTENSION: nameConstraints, which we do not process, rather than ignoring them', async () => {
      const nc = new x509.Extension(OID.nameConstraints, true, new Uint8Array([0x30, 0x0a, 0xa0, 0x08, 0x30, 0x06, 0x82, 0x04, 0x74, 0x65, 0x73, 0x74]));
      assertFailure(await validatePath(base([leafCert, await issue(sub, root, { ca: true, extra: [nc] })])), 'UNKNOWN_CRITICAL_EXTENSION', 1);
    });

    it('NOT_A_CA: an intermediate with cA false or no basicConstraints', async () => {
      assertFailure(await validatePath(base([leafCert, await issue(sub, root, { ca: false, keyUsage: CA_USAGE })])), 'NOT_A_CA', 1);
      assertFailure(await validatePath(base([leafCert, await issue(sub, root, { keyUsage: CA_USAGE })])), 'NOT_A_CA', 1);
    });

    it('EXPIRED and NOT_YET_VALID', async () => {
      assertFailure(await validatePath(base([leafCert, subCert], { at: new Date('2030-01-01T00:00:01Z') })), 'EXPIRED', 1);
      assertFailure(await validatePath(base([await issue(leaf, sub, { ca: false, notBefore: new Date('2026-06-01T00:00:00Z') }), subCert])), 'NOT_YET_VALID', 0);
    });

    it('SIGNATURE_INVALID: a leaf signed by another key under the right name', async () => {
      const impostor = await party(sub.name);
      assertFailure(await validatePath(base([await issue(leaf, impostor, { ca: false }), subCert])), 'SIGNATURE_INVALID', 0);
    });

    it('NAME_CHAINING and NO_TRUST_ANCHOR', async () => {
      const sibling = await party('CN=Test CPO Sub-CA 9, O=plugtrust test, C=DE');
      assertFailure(await validatePath(base([leafCert, await issue(sibling, root, { ca: true })])), 'NAME_CHAINING', 0);
      // Checked from the anchor down: a reversed chain has no anchor above its top.
      assertFailure(await validatePath(base([subCert, leafCert])), 'NO_TRUST_ANCHOR', 1);
      const otherRoot = await party('CN=Other Root');
      assertFailure(await validatePath({ chain: [leafCert, subCert], anchors: [await issue(otherRoot, otherRoot, { ca: true })], at: NOW }), 'NO_TRUST_ANCHOR', 1);
    });

    it('UNSUPPORTED_ALGORITHM: SHA-1 signatures unless allowed', async () => {
      const rsa1 = await party('CN=SHA-1 Root', 'RSA-SHA1');
      const root1 = await issue(rsa1, rsa1, { ca: true });
      const leaf1 = await issue(leaf, rsa1, { ca: false });
      assertFailure(await validatePath({ chain: [leaf1], anchors: [root1], at: NOW }), 'UNSUPPORTED_ALGORITHM', 0);
      assertValid(await validatePath({ chain: [leaf1], anchors: [root1], at: NOW, allowSha1Signatures: true }));
    });

    it('MALFORMED: bytes that are not a certificate, and over-long chains', async () => {
      assertFailure(await validatePath(base([leafCert, new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])])), 'MALFORMED', 1);
      assertFailure(await validatePath(base(Array.from({ length: MAX_CHAIN_LENGTH + 1 }, () => leafCert))), 'MALFORMED', MAX_CHAIN_LENGTH);
    });
  });

  describe('revocation', () => {
    it('REVOKED by the status hook, which is asked about each certificate with its issuer', async () => {
      const asked: string[] = [];
      const checkStatus = async (cert: PathCertificate, issuer: PathCertificate): Promise<CertificateStatus> => {
        assert.equal(cert.issuer.key, issuer.subject.key);
        asked.push(cert.serialNumber.toString(16));
        return Buffer.from(cert.der).equals(Buffer.from(leafCert)) ? { revoked: { at: new Date('2026-02-01T00:00:00Z'), reason: 'keyCompromise' } } : 'good';
      };
      const r = await validatePath(base([leafCert, subCert], { checkStatus }));
      assertFailure(r, 'REVOKED', 0);
      if (!r.ok) assert.match(r.detail, /keyCompromise/);
      assert.equal(asked.length, 2, 'the sub-CA first, then the leaf');
    });

    it('good from the status hook settles it; unknown falls through to CRLs; a throwing hook fails closed', async () => {
      const good = await validatePath(base([leafCert, subCert], { checkStatus: async () => 'good', revocation: 'require' }));
      assertValid(good);
      if (good.ok) assert.deepEqual(good.revocation, ['good-by-status-hook', 'good-by-status-hook']);
      assertFailure(await validatePath(base([leafCert, subCert], { checkStatus: async () => 'unknown', revocation: 'require' })), 'REVOCATION_UNKNOWN', 1);
      const crls = [await crlOf(root), await crlOf(sub)];
      const viaCrl = await validatePath(base([leafCert, subCert], { checkStatus: async () => 'unknown', revocation: 'require', crls }));
      assertValid(viaCrl);
      if (viaCrl.ok) assert.deepEqual(viaCrl.revocation, ['good-by-crl', 'good-by-crl']);
      assertFailure(await validatePath(base([leafCert, subCert], { checkStatus: () => Promise.reject(new Error('store down')) })), 'REVOCATION_UNKNOWN', 1);
    });

    it('off does not ask the hook', async () => {
      assertValid(await validatePath(base([leafCert, subCert], { revocation: 'off', checkStatus: () => Promise.reject(new Error('must not be called')) })));
    });

    it('REVOKED by a CRL from the issuer; certificateHold counts as revoked', async () => {
      const leafSerial = new x509.X509Certificate(leafCert).serialNumber;
      const crls = [await crlOf(root), await crlOf(sub, { revoked: [{ serialNumber: leafSerial, reason: x509.X509CrlReason.certificateHold }] })];
      assertFailure(await validatePath(base([leafCert, subCert], { crls })), 'REVOKED', 0);
    });

    it('CRL_INVALID, CRL_EXPIRED: CRLs that cannot be used fail the path, even if-available', async () => {
      const critical = await crlOf(sub, { extensions: [unknownExtension(true)] });
      assertFailure(await validatePath(base([leafCert, subCert], { crls: [critical] })), 'CRL_INVALID', 0);
      const stale = await crlOf(sub, { nextUpdate: new Date('2026-02-28T12:00:00Z') });
      assertFailure(await validatePath(base([leafCert, subCert], { crls: [stale] })), 'CRL_EXPIRED', 0);
      const forged = await crlOf({ ...sub, keys: (await party(sub.name)).keys });
      assertFailure(await validatePath(base([leafCert, subCert], { crls: [forged] })), 'CRL_INVALID', 0);
    });

    it('require: a certificate without any status is REVOCATION_UNKNOWN; if-available lets it pass', async () => {
      const crls = [await crlOf(root)];
      assertFailure(await validatePath(base([leafCert, subCert], { crls, revocation: 'require' })), 'REVOCATION_UNKNOWN', 0);
      const r = await validatePath(base([leafCert, subCert], { crls }));
      assertValid(r);
      if (r.ok) assert.deepEqual(r.revocation, ['not-checked', 'good-by-crl']);
    });
  });

  describe('misuse throws PkiError PATH_INVALID', () => {
    const cases: [string, () => ValidatePathInput][] = [
      ['an empty chain', () => base([])],
      ['an invalid Date', () => base([leafCert], { at: new Date('nope') })],
      ['an unreadable trust anchor', () => ({ chain: [leafCert], anchors: [new Uint8Array([1, 2, 3])], at: NOW })],
    ];
    for (const [what, input] of cases) {
      it(what, async () => {
        await assert.rejects(validatePath(input()), (e: unknown) => e instanceof PkiError && e.code === 'PATH_INVALID');
      });
    }
  });

  it('fuzz: mutated chains and CRLs only ever produce results, and a mutated chain never validates', async () => {
    let state = 0x2545f491;
    const rand = (n: number): number => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) % n;
    };
    const mutate = (der: Uint8Array): Uint8Array => {
      const out = Uint8Array.from(der);
      const at = rand(out.length);
      switch (rand(4)) {
        case 0:
          out[at] = (out[at] as number) ^ (1 << rand(8));
          return out;
        case 1:
          out[at] = [0x00, 0x7f, 0x80, 0xff][rand(4)] as number;
          return out;
        case 2:
          return out.subarray(0, at);
        default:
          return Uint8Array.from([...out.subarray(0, at), rand(256), ...out.subarray(at)]);
      }
    };
    const leafSerial = new x509.X509Certificate(leafCert).serialNumber;
    const crls = [await crlOf(root), await crlOf(sub, { revoked: [{ serialNumber: leafSerial }] })];
    const codes = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const chain = [leafCert, subCert];
      const target = rand(2);
      const mutated = mutate(chain[target]!);
      if (Buffer.from(mutated).equals(Buffer.from(chain[target]!))) continue;
      chain[target] = mutated;
      const r = await validatePath(base(chain, { revocation: 'off' }));
      assert.equal(r.ok, false, `mutation ${i} of certificate ${target} validated`);
      if (!r.ok) codes.add(r.code);
      const mutatedCrls = crls.map((c) => (rand(2) ? mutate(c) : c));
      const withCrls = await validatePath(base([leafCert, subCert], { crls: mutatedCrls, revocation: rand(2) ? 'require' : 'if-available' }));
      assert.equal(typeof withCrls.ok, 'boolean');
    }
    assert.ok(codes.has('MALFORMED') && codes.has('SIGNATURE_INVALID'), [...codes].join(','));
  });
});
