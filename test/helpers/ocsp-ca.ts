// A small test PKI for the OCSP responder, generated at run time (nothing in CI expires): a root,
// an issuing CA, its delegated OCSP signer (id-kp-OCSPSigning + id-pkix-ocsp-nocheck), leaves,
// and a second CA we do not serve. Keys are test keys, made here and never stored.
import { createPrivateKey, sign as cryptoSign, webcrypto, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { CertStatus } from '../../pki/ocsp/build-response.js';
import type { Signer } from '../../pki/signer.js';
import type { OcspIssuer, OcspStatusSource } from '../../src/ocsp/types.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
const OID_OCSP_NOCHECK = '1.3.6.1.5.5.7.48.1.5';

export interface TestCert {
  cert: x509.X509Certificate;
  der: Uint8Array;
  pem: string;
  keys: CryptoKeyPair;
  /** serialNumber INTEGER content octets. */
  serial: Uint8Array;
}

async function keyPair(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
}

/** serial hex as x509 wants it: a positive INTEGER's content (leading 00 if the high bit is set). */
function serialHex(content: Uint8Array): string {
  return Buffer.from(content).toString('hex');
}

async function issue(opts: { subject: string; serial: Uint8Array; issuer?: TestCert; ca?: boolean; ocspSigner?: boolean; now: Date }): Promise<TestCert> {
  const keys = await keyPair();
  const extensions: x509.Extension[] = [];
  if (opts.ca) {
    extensions.push(new x509.BasicConstraintsExtension(true, undefined, true));
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true));
  } else {
    extensions.push(new x509.BasicConstraintsExtension(false, undefined, true));
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true));
  }
  if (opts.ocspSigner) {
    extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.ocspSigning], false));
    // id-pkix-ocsp-nocheck: extnValue is NULL (RFC 6960 4.2.2.2.1).
    extensions.push(new x509.Extension(OID_OCSP_NOCHECK, false, Uint8Array.of(0x05, 0x00)));
  }
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  const base = {
    serialNumber: serialHex(opts.serial),
    notBefore: new Date(opts.now.getTime() - DAY),
    notAfter: new Date(opts.now.getTime() + 365 * DAY),
    signingAlgorithm: ALG,
    extensions,
  };
  const cert = opts.issuer
    ? await x509.X509CertificateGenerator.create({ ...base, subject: opts.subject, issuer: opts.issuer.cert.subject, publicKey: keys.publicKey, signingKey: opts.issuer.keys.privateKey })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...base, name: opts.subject, keys });
  const der = new Uint8Array(cert.rawData);
  return { cert, der, pem: cert.toString('pem'), keys, serial: opts.serial };
}

/** A Signer over a software key: ECDSA P-256, DER signatures, as the Signer port requires. */
export async function softwareSigner(keys: CryptoKeyPair): Promise<Signer & { key: KeyObject }> {
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const spki = new Uint8Array(await webcrypto.subtle.exportKey('spki', keys.publicKey));
  const key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  return {
    algorithm: 'ecdsa-with-SHA256',
    publicKey: spki,
    key,
    sign: (data) => Promise.resolve(new Uint8Array(cryptoSign('sha256', data, { key, dsaEncoding: 'der' }))),
  };
}

export interface OcspTestPki {
  /** Where the PEM files are ('' unless asked for). */
  dir: string;
  now: Date;
  root: TestCert;
  ca: TestCert;
  responder: TestCert;
  leaves: { good: TestCert; revoked: TestCert; unknown: TestCert; highBit: TestCert };
  /** A CA we do not serve, and a leaf of it. */
  foreignCa: TestCert;
  foreignLeaf: TestCert;
  issuer: OcspIssuer;
  /** PEM files written to `dir`: root.pem, ca.pem, chain.pem (ca + root), responder.pem, responder.key, leaf-*.pem, foreign-*.pem. */
  files: Record<string, string>;
  /** Issues one more leaf of the issuing CA with this serial. */
  issueLeaf(serial: Uint8Array, name?: string): Promise<TestCert>;
  /** Removes `dir`. */
  remove(): void;
}

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

/** `writeFiles`: PEM files for command-line tools (integration tests, the benchmark); unit tests need none. */
export async function createOcspTestPki(now = new Date(), { writeFiles = false } = {}): Promise<OcspTestPki> {
  const dir = writeFiles ? mkdtempSync(join(tmpdir(), 'plugtrust-ocsp-')) : '';
  const root = await issue({ subject: 'CN=OCSP Test Root,O=plugtrust tests,C=DE', serial: bytes(0x01), ca: true, now });
  const ca = await issue({ subject: 'CN=OCSP Test Issuing CA,O=plugtrust tests,C=DE', serial: bytes(0x10, 0x01), issuer: root, ca: true, now });
  const responder = await issue({ subject: 'CN=OCSP Test Responder,O=plugtrust tests,C=DE', serial: bytes(0x20, 0x02), issuer: ca, ocspSigner: true, now });
  const issueLeaf = (serial: Uint8Array, name = 'leaf'): Promise<TestCert> => issue({ subject: `CN=${name},O=plugtrust tests,C=DE`, serial, issuer: ca, now });
  const leaves = {
    good: await issueLeaf(bytes(0x3a, 0x01, 0x02, 0x03), 'good'),
    revoked: await issueLeaf(bytes(0x3a, 0x04, 0x05, 0x06), 'revoked'),
    unknown: await issueLeaf(bytes(0x3a, 0x07, 0x08, 0x09), 'unknown'),
    // A serial whose first octet has the high bit set: content octets 00 8f ... (RFC 5280 4.1.2.2).
    highBit: await issueLeaf(bytes(0x00, 0x8f, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66), 'high-bit'),
  };
  const foreignCa = await issue({ subject: 'CN=Somebody Else CA,C=DE', serial: bytes(0x05), ca: true, now });
  const foreignLeaf = await issue({ subject: 'CN=foreign leaf,C=DE', serial: bytes(0x3a, 0x01, 0x02, 0x03), issuer: foreignCa, now });

  const signer = await softwareSigner(responder.keys);
  const files: Record<string, string> = {};
  const write = (name: string, text: string): void => {
    if (!writeFiles) return;
    const path = join(dir, name);
    writeFileSync(path, text);
    files[name] = path;
  };
  write('root.pem', root.pem);
  write('ca.pem', ca.pem);
  write('chain.pem', `${ca.pem}\n${root.pem}\n`);
  write('responder.pem', responder.pem);
  write('responder.key', signer.key.export({ format: 'pem', type: 'pkcs8' }).toString());
  for (const [name, leaf] of Object.entries(leaves)) write(`leaf-${name}.pem`, leaf.pem);
  write('foreign-ca.pem', foreignCa.pem);
  write('foreign-leaf.pem', foreignLeaf.pem);
  if (writeFiles) mkdirSync(join(dir, 'tmp'), { recursive: true });
  return {
    dir,
    now,
    root,
    ca,
    responder,
    leaves,
    foreignCa,
    foreignLeaf,
    issuer: { id: 'test-issuing-ca', certificate: ca.der, responder: { signer, certificate: responder.der } },
    files,
    issueLeaf,
    remove: () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An in-memory status source: statuses by serial hex; what is not listed is unknown. */
export function memoryStatusSource(issuers: readonly OcspIssuer[]): OcspStatusSource & {
  set(issuerId: string, serial: Uint8Array, status: CertStatus): void;
  calls: number;
} {
  const map = new Map<string, CertStatus>();
  const key = (issuerId: string, serial: Uint8Array): string => `${issuerId}/${Buffer.from(serial).toString('hex')}`;
  const source = {
    calls: 0,
    listIssuers: () => Promise.resolve(issuers),
    status(issuerId: string, serial: Uint8Array): Promise<CertStatus> {
      source.calls++;
      return Promise.resolve(map.get(key(issuerId, serial)) ?? { status: 'unknown' });
    },
    set(issuerId: string, serial: Uint8Array, status: CertStatus): void {
      map.set(key(issuerId, serial), status);
    },
  };
  return source;
}
