// Certificates for the inventory tests, made with @peculiar/x509 (not with our pki/, so that the
// checks under test are not checked by their own code): roots of each ISO 15118 hierarchy and the
// malformed payloads a careless operator would paste (a leaf, a sub-CA, a chain, no keyCertSign).
import { webcrypto } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface MadeCertificate {
  pem: string;
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

export interface CertOptions {
  subject: string;
  /** Signed by this certificate instead of itself. */
  issuer?: MadeCertificate;
  ca?: boolean;
  /** keyUsage flags; default keyCertSign | cRLSign for a CA, digitalSignature otherwise; null: no extension. */
  keyUsage?: number | null;
  notBefore?: Date;
  notAfter?: Date;
  serialNumber?: string;
}

let serial = 0x1000;

export async function makeCertificate(o: CertOptions): Promise<MadeCertificate> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']));
  const ca = o.ca ?? true;
  const usage = o.keyUsage === undefined ? (ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature) : o.keyUsage;
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(ca, undefined, true)];
  if (usage !== null) extensions.push(new x509.KeyUsagesExtension(usage, true));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: o.serialNumber ?? (serial++).toString(16).padStart(16, '0').replace(/^./, '4'),
    subject: o.subject,
    issuer: o.issuer ? o.issuer.cert.subject : o.subject,
    notBefore: o.notBefore ?? new Date(Date.now() - 86_400_000),
    notAfter: o.notAfter ?? new Date(Date.now() + 3650 * 86_400_000),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: o.issuer ? o.issuer.keys.privateKey : keys.privateKey,
    extensions,
  });
  return { pem: cert.toString('pem'), cert, keys };
}

export const v2gRootSubject = (cn: string): string => `CN=${cn}, O=Test V2G, C=DE, DC=V2G`;
export const moRootSubject = (cn: string): string => `CN=${cn}, O=Test eMSP, C=DE, DC=MO`;
