// The key and certificate chain the EST listener presents: the CSMS TLS server key the CA issued
// (purpose csms-tls-server), decrypted from storage. TLS needs the key material itself, not a
// Signer; the plaintext DER is wiped once it is a PEM string handed to node:tls.
import { createPrivateKey } from 'node:crypto';
import { parseCertificate, toPem } from '../../pki/certificate/parse-certificate.js';
import type { Kek } from '../ca/key-vault.js';
import type { Store } from '../store/store.js';
import { EstError } from './est-error.js';

export const TLS_SERVER_PURPOSE = 'csms-tls-server';

export interface TlsIdentity {
  /** PKCS#8 PEM. */
  key: string;
  /** The server certificate, then its issuing CAs up to (not including) the root, PEM. */
  cert: string;
  serialHex: string;
}

export async function loadTlsIdentity(store: Pick<Store, 'caServiceKeys' | 'caKeys' | 'certificates' | 'caIssuers'>, kek: Kek, now: Date, purpose = TLS_SERVER_PURPOSE): Promise<TlsIdentity> {
  const service = await store.caServiceKeys.get(purpose);
  if (!service) throw new EstError('EST_CONFIG_INVALID', `no ${purpose} key: run pki init (or issue one) before starting EST`);
  const row = await store.certificates.get(service.serial);
  if (!row?.der) throw new EstError('EST_CONFIG_INVALID', `the ${purpose} certificate is not stored`);
  const stored = await store.caKeys.get(service.keyId);
  if (!stored?.encrypted) throw new EstError('EST_CONFIG_INVALID', `the ${purpose} key ${service.keyId} is not held in software`);

  const pkcs8 = kek.decrypt(service.keyId, stored.encrypted);
  let key: string;
  try {
    key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }).toString();
  } finally {
    pkcs8.fill(0);
  }

  // The chain: walk the issuing CAs; the self-signed root is left out (RFC 8446 4.4.2: MAY be omitted).
  const chain = [row.der];
  for (let id: string | null = row.issuerId; id; ) {
    const issuer = await store.caIssuers.get(id);
    if (!issuer) break;
    if (issuer.parentId !== null) chain.push(issuer.certificate);
    id = issuer.parentId;
  }
  if (parseCertificate(row.der).notAfter.getTime() <= now.getTime()) throw new EstError('EST_CONFIG_INVALID', `the ${purpose} certificate has expired`);
  return { key, cert: chain.map((c) => toPem(c, 'CERTIFICATE')).join(''), serialHex: Buffer.from(service.serial).toString('hex') };
}
