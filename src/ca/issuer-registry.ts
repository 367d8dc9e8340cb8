// The CAs we operate, as the issuance cycle needs them: certificate facts, the IssuerContext for
// building, and a Signer loaded on first use (decrypted from storage, never cached as bytes).
import type { IssuerContext } from '../../pki/certificate/build-tbs.js';
import { decodeBasicConstraints } from '../../pki/certificate/extensions.js';
import { findExtension, parseCertificate, type ParsedCertificate } from '../../pki/certificate/parse-certificate.js';
import { OID } from '../../pki/oids.js';
import { getProfile } from '../../pki/profiles/index.js';
import type { ProfileId } from '../../pki/profiles/types.js';
import type { Signer } from '../../pki/signer.js';
import type { IssuerRow } from '../store/ca-issuers.js';
import type { Store } from '../store/store.js';
import { CaError } from './ca-error.js';
import { privateKeyFromPkcs8, type Kek } from './key-vault.js';
import { softwareSigner } from './software-signer.js';

export interface LoadedIssuer {
  row: IssuerRow;
  profileId: ProfileId;
  certificate: ParsedCertificate;
  context: IssuerContext;
  /** The issuer's chain up to and including its root, issuer first (for export and OCPP chains). */
  chain: Uint8Array[];
}

export interface IssuerRegistryOptions {
  store: Pick<Store, 'caIssuers' | 'caKeys'>;
  kek: () => Kek;
  /** Read when an issuer is first loaded (the listening port may be known only after start). */
  publicBaseUrl: () => string;
  /** Signers for keys held outside (HSM, KMS), by external_ref. */
  externalSigners?: ReadonlyMap<string, Signer>;
}

export interface IssuerRegistry {
  get(id: string): Promise<LoadedIssuer>;
  signer(id: string): Promise<Signer>;
  /** The delegated OCSP signer of a CA, or null when it has none yet. */
  ocspSigner(id: string): Promise<{ signer: Signer; certificate: Uint8Array } | null>;
  /** A Signer for any stored key id. */
  keySigner(keyId: string): Promise<Signer>;
  list(): Promise<LoadedIssuer[]>;
  /** Forget cached state for an issuer (after its OCSP signer or certificate changed). */
  invalidate(id?: string): void;
}

export const ocspUrlFor = (base: string): string => `${base.replace(/\/+$/, '')}/ocsp`;
export const crlUrlFor = (base: string, issuerId: string): string => `${base.replace(/\/+$/, '')}/crl/${issuerId}.crl`;

export function createIssuerRegistry(opts: IssuerRegistryOptions): IssuerRegistry {
  const loaded = new Map<string, Promise<LoadedIssuer>>();
  const signers = new Map<string, Promise<Signer>>();

  async function load(id: string): Promise<LoadedIssuer> {
    const row = await opts.store.caIssuers.get(id);
    if (!row) throw new CaError('CA_ISSUER_UNKNOWN', `no CA named ${id}`);
    const certificate = parseCertificate(row.certificate);
    const bc = findExtension(certificate.extensions, OID.basicConstraints);
    const pathLen = bc ? decodeBasicConstraints(bc.value).pathLen : null;
    const profileId = row.profile as ProfileId;
    const chain = [row.certificate];
    for (let parent = row.parentId; parent; ) {
      const p = await opts.store.caIssuers.get(parent);
      if (!p) break;
      chain.push(p.certificate);
      parent = p.parentId;
    }
    const signer = await keySigner(row.keyId ?? '');
    return {
      row,
      profileId,
      certificate,
      chain,
      context: {
        subjectDer: certificate.subjectDer,
        keyIdentifier: row.keyIdentifier,
        notBefore: certificate.notBefore,
        notAfter: certificate.notAfter,
        pathLen,
        profile: getProfile(profileId),
        signatureAlgorithm: signer.algorithm,
        ocspUrl: ocspUrlFor(opts.publicBaseUrl()),
        crlUrl: crlUrlFor(opts.publicBaseUrl(), row.id),
      },
    };
  }

  function keySigner(keyId: string): Promise<Signer> {
    let s = signers.get(keyId);
    if (!s) {
      s = (async () => {
        const stored = await opts.store.caKeys.get(keyId);
        if (!stored) throw new CaError('CA_KEY_UNAVAILABLE', `no stored key ${keyId}`);
        if (stored.externalRef) {
          const ext = opts.externalSigners?.get(stored.externalRef);
          if (!ext) throw new CaError('CA_KEY_UNAVAILABLE', `key ${keyId} is held by ${stored.externalRef}, which is not configured`);
          return ext;
        }
        if (!stored.encrypted) throw new CaError('CA_KEY_UNAVAILABLE', `key ${keyId} has no material`);
        return softwareSigner(privateKeyFromPkcs8(opts.kek().decrypt(keyId, stored.encrypted), keyId));
      })();
      s.catch(() => signers.delete(keyId));
      signers.set(keyId, s);
    }
    return s;
  }

  const get = (id: string): Promise<LoadedIssuer> => {
    let p = loaded.get(id);
    if (!p) {
      p = load(id);
      p.catch(() => loaded.delete(id));
      loaded.set(id, p);
    }
    return p;
  };

  return {
    get,
    keySigner,
    async signer(id) {
      const issuer = await get(id);
      return keySigner(issuer.row.keyId ?? '');
    },
    async ocspSigner(id) {
      const issuer = await get(id);
      if (!issuer.row.ocspCertificate || !issuer.row.ocspKeyId) return null;
      return { signer: await keySigner(issuer.row.ocspKeyId), certificate: issuer.row.ocspCertificate };
    },
    async list() {
      const rows = await opts.store.caIssuers.list();
      return Promise.all(rows.map((r) => get(r.id)));
    },
    invalidate(id) {
      if (id) loaded.delete(id);
      else loaded.clear();
    },
  };
}
