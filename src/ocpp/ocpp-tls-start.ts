// Starting the OCPP TLS port: the certificate from operator files, or the CSMS TLS server key our
// CA issued (csms-tls-server), reloaded when CA maintenance renews it.
import { readFileSync } from 'node:fs';
import { toPem } from '../../pki/certificate/parse-certificate.js';
import type { Kek } from '../ca/key-vault.js';
import { loadTlsIdentity } from '../est/tls-identity.js';
import type { Store } from '../store/store.js';
import { STATION_TRUST_ANCHOR } from './station-certificate.js';
import { createOcppTlsListener, type OcppTlsListener, type TlsMaterial } from './tls-listener.js';

export type OcppTlsErrorCode = 'OCPP_TLS_CONFIG';

export class OcppTlsError extends Error {
  constructor(
    readonly code: OcppTlsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OcppTlsError';
  }
}

export interface OcppTlsSource {
  certFile: string | undefined;
  keyFile: string | undefined;
  store: Pick<Store, 'caServiceKeys' | 'caKeys' | 'certificates' | 'caIssuers'>;
  kek: () => Kek;
  now: () => Date;
}

export async function loadOcppTlsMaterial(src: OcppTlsSource): Promise<TlsMaterial & { fromCa: boolean }> {
  const root = await src.store.caIssuers.get(STATION_TRUST_ANCHOR);
  const ca = root ? { ca: toPem(root.certificate, 'CERTIFICATE') } : {};
  if (src.certFile !== undefined || src.keyFile !== undefined) {
    if (src.certFile === undefined || src.keyFile === undefined) throw new OcppTlsError('OCPP_TLS_CONFIG', '--ocpp-tls-cert and --ocpp-tls-key go together');
    try {
      return { key: readFileSync(src.keyFile, 'utf8'), cert: readFileSync(src.certFile, 'utf8'), ...ca, fromCa: false };
    } catch (err) {
      throw new OcppTlsError('OCPP_TLS_CONFIG', `cannot read the OCPP TLS certificate or key: ${(err as Error).message}`);
    }
  }
  try {
    const identity = await loadTlsIdentity(src.store, src.kek(), src.now());
    return { key: identity.key, cert: identity.cert, ...ca, fromCa: true };
  } catch (err) {
    throw new OcppTlsError('OCPP_TLS_CONFIG', `--ocpp-tls-port needs a TLS certificate: ${(err as Error).message} (or give --ocpp-tls-cert and --ocpp-tls-key)`);
  }
}

export async function createOcppTls(src: OcppTlsSource): Promise<{ listener: OcppTlsListener; reloadFromCa(): Promise<void> }> {
  const material = await loadOcppTlsMaterial(src);
  const listener = createOcppTlsListener(material);
  return {
    listener,
    async reloadFromCa() {
      if (!material.fromCa) return;
      listener.reload(await loadOcppTlsMaterial(src));
    },
  };
}
