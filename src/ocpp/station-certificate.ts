// Security profile 3: the station's TLS client certificate, validated at connect time and bound
// to the station identity. The path must lead to the CSMS root (RFC 5280 6 via pki/path), every
// certificate in it must be ours, issued and not revoked (status from our own store, looked up
// in batches during a reconnect storm: fail closed),
// and the leaf's subject must name this station: CN = station identity and O = the configured CPO
// name (OCPP 2.0.1 Part 2 A00, security profile 3; Part 2 §2.2 ChargingStationCertificate). A
// certificate issued to station X therefore never admits station Y.
import { createHash } from 'node:crypto';
import { integerContent } from '../../pki/der/writer.js';
import { OID } from '../../pki/oids.js';
import { attributeTexts, namesMatch } from '../../pki/path/name.js';
import { bytesEqual, parsePathCertificate, type PathCertificate } from '../../pki/path/parsed-certificate.js';
import type { CertificateStatus } from '../../pki/path/types.js';
import { validatePath } from '../../pki/path/validate-path.js';
import type { IssuerRow } from '../store/ca-issuers.js';
import type { Store } from '../store/store.js';

/** The CA whose root anchors station certificates. */
export const STATION_TRUST_ANCHOR = 'csms-root';
/** How long the list of our CA certificates is reused between look-ups. */
const ISSUER_CACHE_MS = 60_000;

export type CertificateCheck = { ok: true; fingerprint: string } | { ok: false; reason: string };

export interface StationCertificateDeps {
  store: Pick<Store, 'caIssuers' | 'certificateStatus'>;
  /** The O every station certificate must carry; refused when unset (no binding possible). */
  cpoName: string | undefined;
  anchorId?: string;
}

export interface StationCertificateVerifier {
  /** Checks a presented chain (leaf first) for `identity` at time `at`. Never throws. */
  verify(identity: string, presented: readonly Uint8Array[], at: Date): Promise<CertificateCheck>;
}

export function createStationCertificateVerifier(deps: StationCertificateDeps): StationCertificateVerifier {
  const anchorId = deps.anchorId ?? STATION_TRUST_ANCHOR;
  let cache: { at: number; issuers: IssuerRow[]; parsed: Map<IssuerRow, PathCertificate> } | null = null;
  const issuers = async (): Promise<NonNullable<typeof cache>> => {
    if (cache && Date.now() - cache.at < ISSUER_CACHE_MS) return cache;
    const rows = await deps.store.caIssuers.list();
    const parsed = new Map(rows.map((r) => [r, parsePathCertificate(r.certificate)] as const));
    cache = { at: Date.now(), issuers: rows, parsed };
    return cache;
  };

  async function verify(identity: string, presented: readonly Uint8Array[], at: Date): Promise<CertificateCheck> {
    const leafDer = presented[0];
    if (!leafDer) return { ok: false, reason: 'no client certificate' };
    if (deps.cpoName === undefined) return { ok: false, reason: 'no CPO name is configured (--cpo-name): profile 3 certificates cannot be bound' };
    let leaf: PathCertificate;
    try {
      leaf = parsePathCertificate(leafDer);
    } catch (err) {
      return { ok: false, reason: `unreadable client certificate: ${(err as Error).message}` };
    }
    // Step 1: the binding, before any signature work: exactly one CN, equal to the identity, and
    // exactly one O, equal to the CPO name.
    const cns = attributeTexts(leaf.subject, OID.commonName);
    const os = attributeTexts(leaf.subject, OID.organizationName);
    if (cns.length !== 1 || cns[0] !== identity) return { ok: false, reason: `certificate CN ${JSON.stringify(cns.join(',').slice(0, 64))} is not the station identity` };
    if (os.length !== 1 || os[0] !== deps.cpoName) return { ok: false, reason: `certificate O ${JSON.stringify(os.join(',').slice(0, 64))} is not the CPO name` };

    // Step 2: a path from the leaf to the CSMS root through our CAs (and what the station sent).
    const known = await issuers();
    const anchorRow = known.issuers.find((r) => r.id === anchorId);
    if (!anchorRow) return { ok: false, reason: `no ${anchorId} CA: run pki init` };
    const ours = [...known.parsed.values()];
    const sent = presented.slice(1, 8).flatMap((der) => {
      try {
        return [parsePathCertificate(der)];
      } catch {
        return [];
      }
    });
    const anchor = known.parsed.get(anchorRow);
    if (!anchor) return { ok: false, reason: 'trust anchor unreadable' };
    const chain = buildChain(leaf, [...ours, ...sent], anchor);

    // Step 3: RFC 5280 path validation; revocation required, from our own store.
    const result = await validatePath({
      chain,
      anchors: [anchorRow.certificate],
      at,
      revocation: 'require',
      requiredLeafKeyUsage: ['digitalSignature'],
      checkStatus: async (cert, issuer): Promise<CertificateStatus> => {
        const issuerRow = known.issuers.find((r) => bytesEqual(r.certificate, issuer.der));
        if (!issuerRow || cert.serialNumber < 0n) return 'unknown';
        const status = await deps.store.certificateStatus.statusOf(issuerRow.id, integerContent(cert.serialNumber));
        if (!status) return 'unknown';
        if (status.revokedAt) return { revoked: { at: status.revokedAt, reason: status.reason ?? 'unspecified' } };
        return status.status === 'issued' ? 'good' : 'unknown';
      },
    });
    if (!result.ok) return { ok: false, reason: `client certificate path: ${result.code} at ${result.index}: ${result.detail}` };
    return { ok: true, fingerprint: createHash('sha256').update(leafDer).digest('base64url') };
  }

  return {
    async verify(identity, presented, at) {
      try {
        return await verify(identity, presented, at);
      } catch (err) {
        return { ok: false, reason: `client certificate check failed: ${(err as Error).message}` };
      }
    },
  };
}

/** Issuer by subject name (preferring the key identifier the certificate names), at most 8 deep. */
function buildChain(leaf: PathCertificate, pool: readonly PathCertificate[], anchor: PathCertificate): PathCertificate[] {
  const chain = [leaf];
  for (let cur: PathCertificate | undefined = leaf; cur && chain.length < 8; ) {
    if (namesMatch(anchor.subject, cur.issuer)) break;
    const issuerName: PathCertificate['issuer'] = cur.issuer;
    const named: PathCertificate[] = pool.filter((c) => namesMatch(c.subject, issuerName) && !chain.some((x) => bytesEqual(x.der, c.der)));
    const aki: Uint8Array | undefined = cur.authorityKeyId;
    cur = named.find((c: PathCertificate) => aki && c.subjectKeyId && bytesEqual(aki, c.subjectKeyId)) ?? named[0];
    if (cur) chain.push(cur);
  }
  return chain;
}
