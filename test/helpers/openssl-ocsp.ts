// A foreign Plug & Charge PKI and its OCSP responders, run by `openssl ocsp` as independent
// processes: nothing of ours answers for these CAs. Certificates are built at run time relative to
// the real clock (openssl checks nothing in CI against a fixed date); keys are TEST KEYS, made here
// and never stored outside a temporary directory.
//   root (self-signed, the foreign MO root; answers for its sub-CA itself: -rsigner root)
//    └ sub-CA (issues contract certificates; its delegated responder has id-kp-OCSPSigning)
//       └ contract certificates, CN = eMAID, AIA id-ad-ocsp = the sub-CA responder's URL
import { spawn, type ChildProcess } from 'node:child_process';
import { createPrivateKey, webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { ia5String, implicitPrimitive, oid, seq } from '../../pki/der/writer.js';
import { OID } from '../../pki/oids.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface ForeignCert {
  der: Uint8Array;
  pem: string;
  keys: webcrypto.CryptoKeyPair;
  /** Serial as lower-case hex of the INTEGER content. */
  serialHex: string;
  subject: string;
}

/** A port nobody listens on right now (bound and released by the OS). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function aia(url: string): x509.Extension {
  // AuthorityInfoAccessSyntax with one id-ad-ocsp uniformResourceIdentifier (RFC 5280 4.2.2.1).
  const value = seq(seq(oid(OID.accessOcsp), implicitPrimitive(6, ia5String(url).subarray(2))));
  return new x509.Extension(OID.authorityInfoAccess, false, value);
}

export async function issueForeignCertificate(opts: { subject: string; serialHex: string; issuer?: ForeignCert; ca?: boolean; ocspSigner?: boolean; ocspUrl?: string; notBefore?: Date; notAfter?: Date }): Promise<ForeignCert> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(opts.ca === true, undefined, true),
    new x509.KeyUsagesExtension(opts.ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (opts.ocspSigner) {
    extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.ocspSigning], false));
    extensions.push(new x509.Extension(OID.ocspNoCheck, false, Uint8Array.of(0x05, 0x00)));
  }
  if (opts.ocspUrl) extensions.push(aia(opts.ocspUrl));
  const now = Date.now();
  const base = { serialNumber: opts.serialHex, notBefore: opts.notBefore ?? new Date(now - DAY), notAfter: opts.notAfter ?? new Date(now + 365 * DAY), signingAlgorithm: ALG, extensions };
  const cert = opts.issuer
    ? await x509.X509CertificateGenerator.create({ ...base, subject: opts.subject, issuer: opts.issuer.subject, publicKey: keys.publicKey, signingKey: opts.issuer.keys.privateKey })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...base, name: opts.subject, keys });
  return { der: new Uint8Array(cert.rawData), pem: cert.toString('pem'), keys, serialHex: opts.serialHex.toLowerCase(), subject: opts.subject };
}

async function keyPem(keys: webcrypto.CryptoKeyPair): Promise<string> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }).toString();
}

export interface ForeignPki {
  dir: string;
  root: ForeignCert;
  subCa: ForeignCert;
  subResponder: ForeignCert;
  /** Ports the responders will listen on (named in the certificates' AIA). */
  rootPort: number;
  subPort: number;
  /** Issues a contract certificate of the sub-CA. */
  contract(emaid: string, serialHex: string, validity?: { notBefore: Date; notAfter: Date }): Promise<ForeignCert>;
  /** Writes a file into `dir`, returns its path. */
  file(name: string, text: string): string;
  /** The chain as AuthorizeRequest.certificate carries it: contract certificate, then the sub-CA. */
  chainPem(leaf: ForeignCert): string;
  remove(): void;
}

export async function createForeignPki(): Promise<ForeignPki> {
  const dir = mkdtempSync(join(tmpdir(), 'plugtrust-foreign-ocsp-'));
  const rootPort = await freePort();
  const subPort = await freePort();
  const root = await issueForeignCertificate({ subject: 'CN=Foreign MO Root,O=Other eMSP Group,C=NL', serialHex: '01', ca: true });
  const subCa = await issueForeignCertificate({ subject: 'CN=Foreign MO Sub-CA,O=Other eMSP,C=NL', serialHex: '2b01', issuer: root, ca: true, ocspUrl: `http://127.0.0.1:${rootPort}/` });
  const subResponder = await issueForeignCertificate({ subject: 'CN=Foreign MO OCSP,O=Other eMSP,C=NL', serialHex: '2c01', issuer: subCa, ocspSigner: true });
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  file('root.pem', root.pem);
  file('root.key', await keyPem(root.keys));
  file('sub-ca.pem', subCa.pem);
  file('sub-responder.pem', subResponder.pem);
  file('sub-responder.key', await keyPem(subResponder.keys));
  return {
    dir,
    root,
    subCa,
    subResponder,
    rootPort,
    subPort,
    contract: (emaid, serialHex, validity) => issueForeignCertificate({ subject: `CN=${emaid},O=Other eMSP,C=NL`, serialHex, issuer: subCa, ocspUrl: `http://127.0.0.1:${subPort}/`, ...(validity ?? {}) }),
    file,
    chainPem: (leaf) => `${leaf.pem}\n${subCa.pem}\n`,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** One line of an openssl CA index (V valid, R revoked) for a certificate. */
export function indexLine(cert: ForeignCert, revokedAt?: Date): string {
  const t = (d: Date): string => `${d.toISOString().slice(2, 19).replace(/[-T:]/g, '')}Z`;
  const expiry = t(new Date(Date.now() + 365 * DAY));
  const serial = cert.serialHex.replace(/^(00)+/, '').toUpperCase();
  const subject = `/${cert.subject.split(',').reverse().join('/')}`;
  return revokedAt ? `R\t${expiry}\t${t(revokedAt)},keyCompromise\t${serial}\tunknown\t${subject}` : `V\t${expiry}\t\t${serial}\tunknown\t${subject}`;
}

export interface OpensslResponder {
  url: string;
  /** How many requests it has received (counted from its stderr log, which is unbuffered). */
  answered(): number;
  stop(): Promise<void>;
}

/**
 * `openssl ocsp` as a responder: `-index` (the CA database), `-CA` (the CA it answers for),
 * `-rsigner`/`-rkey` (who signs), `-nmin` (nextUpdate minutes; null: no nextUpdate at all).
 */
export function startOpensslOcsp(opts: { port: number; index: string; ca: string; rsigner: string; rkey: string; nmin: number | null }): Promise<OpensslResponder> {
  const args = ['ocsp', '-index', opts.index, '-port', String(opts.port), '-CA', opts.ca, '-rsigner', opts.rsigner, '-rkey', opts.rkey, '-ignore_err', ...(opts.nmin === null ? [] : ['-nmin', String(opts.nmin)])];
  const child: ChildProcess = spawn('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stdout?.resume();
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('latin1')));
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  // Ready once it says so on stderr (after binding). A TCP probe would not do: openssl 3.0's
  // responder stalls after a connection that closes without a request.
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      void stop().then(() => reject(new Error(`openssl ocsp did not start: ${err}`)));
    }, 10_000);
    const check = (): void => {
      if (!/waiting for OCSP client connections/i.test(err)) return;
      clearTimeout(deadline);
      child.stderr?.off('data', check);
      resolve({ url: `http://127.0.0.1:${opts.port}/`, answered: () => err.split('Received request').length - 1, stop });
    };
    child.stderr?.on('data', check);
    child.once('exit', () => {
      clearTimeout(deadline);
      reject(new Error(`openssl ocsp exited: ${err}`));
    });
  });
}
