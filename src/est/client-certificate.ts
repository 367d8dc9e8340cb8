// TLS client certificates of EST clients (RFC 7030 3.3.2). The listener asks for a certificate but
// accepts the handshake without one (requestCert, rejectUnauthorized false): the decision is made
// here, with our own path validation against the configured anchors and revocation status from our
// own store. A certificate whose status we cannot establish is refused: fail closed.
import type { TLSSocket } from 'node:tls';
import { parseCertificate, type ParsedCertificate } from '../../pki/certificate/parse-certificate.js';
import { bytesToHex, integerContent } from '../../pki/der/writer.js';
import { nameValue } from '../../pki/names.js';
import { namesMatch } from '../../pki/path/name.js';
import { bytesEqual, parsePathCertificate, type PathCertificate } from '../../pki/path/parsed-certificate.js';
import type { CertificateStatus } from '../../pki/path/types.js';
import { validatePath } from '../../pki/path/validate-path.js';
import type { CertificateRow } from '../store/certificates.js';
import type { Store } from '../store/store.js';
import { EstError } from './est-error.js';

export interface ClientCertificate {
  der: Uint8Array;
  parsed: ParsedCertificate;
  /** The subject CN, when there is one. */
  commonName: string | undefined;
  /** Our record of it: present for every certificate that validated (status is required). */
  row: CertificateRow | null;
}

/** The certificates the client sent, leaf first, as node:tls links them; empty without one. */
export function peerCertificates(socket: TLSSocket): Uint8Array[] {
  const out: Uint8Array[] = [];
  const leaf = socket.getPeerCertificate(true);
  // No certificate: node returns an empty object.
  if (!('raw' in leaf) || !leaf.raw) return out;
  for (let c: typeof leaf | undefined = leaf; c?.raw && out.length < 8; c = c.issuerCertificate === c ? undefined : c.issuerCertificate) out.push(new Uint8Array(c.raw));
  return out;
}

export interface ClientCertificateDeps {
  store: Pick<Store, 'caIssuers' | 'certificates'>;
  now: () => Date;
}

const refuse = (why: string): never => {
  throw new EstError('EST_CLIENT_CERT_INVALID', why);
};

/**
 * Validates a presented chain (leaf first) to one of `anchors`, completing it from the CAs we run
 * when the client sent only its leaf. The leaf must allow digitalSignature (it signed the TLS
 * handshake); every certificate below the anchor must be ours, issued and not revoked.
 */
export async function verifyClientCertificate(deps: ClientCertificateDeps, presented: readonly Uint8Array[], anchors: readonly Uint8Array[]): Promise<ClientCertificate> {
  const leafDer = presented[0];
  if (!leafDer) return refuse('no client certificate');
  if (anchors.length === 0) return refuse('no trust anchors are configured for client certificates');
  let leaf: ParsedCertificate;
  try {
    leaf = parseCertificate(leafDer);
  } catch (err) {
    return refuse(`unreadable client certificate: ${(err as Error).message}`);
  }

  // Step 1: a chain from the leaf up to an anchor, from what the client sent and the CAs we run.
  const ours = (await deps.store.caIssuers.list()).map((r) => r.certificate);
  const chain = buildChain(leafDer, [...ours, ...presented.slice(1)], anchors);

  // Step 2: RFC 5280 6 path validation, revocation status from our store for each certificate.
  const rows = new Map<string, CertificateRow | null>();
  const result = await validatePath({
    chain,
    anchors,
    at: deps.now(),
    revocation: 'require',
    requiredLeafKeyUsage: ['digitalSignature'],
    checkStatus: async (cert): Promise<CertificateStatus> => {
      if (cert.serialNumber < 0n) return 'unknown';
      const row = await deps.store.certificates.get(integerContent(cert.serialNumber));
      // Our row must be this very certificate: a foreign one may reuse a serial of ours.
      const mine = row?.der && bytesEqual(row.der, cert.der) ? row : null;
      rows.set(bytesToHex(cert.der), mine);
      if (!mine) return 'unknown';
      if (mine.revokedAt) return { revoked: { at: mine.revokedAt, reason: mine.revocationReason ?? 'unspecified' } };
      return mine.status === 'issued' ? 'good' : 'unknown';
    },
  });
  if (!result.ok) return refuse(`client certificate path: ${result.code} at ${result.index}: ${result.detail}`);
  return { der: leafDer, parsed: leaf, commonName: nameValue(leaf.subject, 'CN'), row: rows.get(bytesToHex(leafDer)) ?? null };
}

/**
 * Issuer by subject name, preferring the one whose key identifier the certificate names (a CA
 * re-keyed under the same name), until a certificate is issued by an anchor; at most 8 deep. Our
 * CAs come before what the client sent, so a look-alike cannot shadow them.
 */
function buildChain(leafDer: Uint8Array, pool: readonly Uint8Array[], anchors: readonly Uint8Array[]): Uint8Array[] {
  const read = (list: readonly Uint8Array[]): PathCertificate[] =>
    list.flatMap((der) => {
      try {
        return [parsePathCertificate(der)];
      } catch {
        return [];
      }
    });
  const anchorSubjects = read(anchors).map((a) => a.subject);
  const candidates = read(pool);
  const chain = read([leafDer]);
  let cur = chain[0];
  while (cur && chain.length < 8) {
    const issuerName = cur.issuer;
    if (anchorSubjects.some((s) => namesMatch(s, issuerName))) break;
    const named = candidates.filter((c) => namesMatch(c.subject, issuerName) && !chain.some((x) => bytesEqual(x.der, c.der)));
    const aki = cur.authorityKeyId;
    cur = named.find((c) => aki && c.subjectKeyId && bytesEqual(aki, c.subjectKeyId)) ?? named[0];
    if (cur) chain.push(cur);
  }
  return chain.length > 0 ? chain.map((c) => c.der) : [leafDer];
}
