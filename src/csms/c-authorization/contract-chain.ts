// AuthorizeRequest.certificate (OCPP 2.0.1 C07.FR.06: the station could not validate the contract
// certificate and passes the chain, PEM, leaf first, without the root, for central validation):
// RFC 5280 path validation to the MO roots, with the revocation status of every certificate of
// the chain required from OCSP (C07.FR.05), ours in-process and foreign through the cache.
import { createHash } from 'node:crypto';
import { readCertificateParts, digest } from '../../../pki/ocsp/cert-id.js';
import { validatePath, type CertificateStatus, type PathErrorCode, type PathResult } from '../../../pki/path/validate-path.js';
import { formatName } from '../../../pki/path/name.js';
import { OID } from '../../../pki/oids.js';
import { parsePathCertificate, type PathCertificate } from '../../../pki/path/parsed-certificate.js';
import { LruMap } from '../../ocsp/lru.js';
import { ocspUrlOf } from '../../ocsp-client/aia.js';
import type { CertificateStatusService } from '../../ocsp-client/certificate-status.js';
import type { KnownCertificates } from '../../ocsp-client/known-certificates.js';
import { parsePemCertificates } from '../../ocsp-client/pem-certificates.js';
import { checkFromStatus, type CertificateCheck, type CertificateFailure } from './certificate-check.js';

/** A contract certificate, at most two MO sub-CAs, perhaps the root (ISO 15118-2 Annex F): a little room beyond. */
const MAX_CHAIN_CERTIFICATES = 5;

export interface ContractChainDeps {
  status: CertificateStatusService;
  known: Pick<KnownCertificates, 'moRoots' | 'learn'>;
  now: () => Date;
  /** Chains already validated: only their statuses are checked again. */
  validated?: ValidatedChains;
}

/**
 * What path validation established about a chain that validated: the structure and signatures,
 * which do not change, within its validity. Statuses are never cached here (the OCSP layers
 * cache them until nextUpdate, and a revocation of ours reaches them at once).
 */
interface ValidatedChain {
  leaf: NonNullable<ContractChainResult['leaf']>;
  /** The (certificate, issuer) pairs whose status the validation required, top of the chain first. */
  pairs: StatusQuery[];
  /** The chain as presented (the extra certificates a foreign OCSP answer may need). */
  chain: readonly Uint8Array[];
  anchorDer: Uint8Array;
  anchorName: string;
  /** The latest notBefore and earliest notAfter of the path and its anchor. */
  fromMs: number;
  untilMs: number;
}

export type ValidatedChains = LruMap<string, ValidatedChain>;

export const createValidatedChains = (size = 10_000): ValidatedChains => new LruMap(size);

export interface ContractChainResult {
  check: CertificateCheck;
  /**
   * The contract certificate, when the chain could be read; emaid is its CN, `validated` whether
   * the chain validated (only then does the CN vouch for anything).
   */
  leaf: { der: Uint8Array; serialHex: string; emaid: string | null; validated: boolean } | null;
}

const latin1 = new TextDecoder('latin1');
const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** The subject CN of a contract certificate: its eMAID (ISO 15118-2 [V2G2-671], Table F.4). */
function commonName(cert: PathCertificate): string | null {
  for (const rdn of [...cert.subject.rdns].reverse()) for (const a of rdn) if (a.oid === OID.commonName) return latin1.decode(a.content);
  return null;
}

/** RFC 5280 path errors in AuthorizeCertificateStatusEnumType terms. */
export function chainFailureFor(code: Exclude<PathErrorCode, 'REVOCATION_UNKNOWN'>): CertificateFailure {
  switch (code) {
    case 'EXPIRED':
      return 'CertificateExpired';
    case 'REVOKED':
      return 'CertificateRevoked';
    case 'SIGNATURE_INVALID':
      return 'SignatureError';
    case 'MALFORMED':
    case 'UNSUPPORTED_ALGORITHM':
    case 'NOT_YET_VALID':
    case 'NAME_CHAINING':
    case 'NO_TRUST_ANCHOR':
    case 'NOT_A_CA':
    case 'PATH_LENGTH_EXCEEDED':
    case 'KEY_USAGE':
    case 'EXT_KEY_USAGE':
    case 'UNKNOWN_CRITICAL_EXTENSION':
    case 'CRL_INVALID':
    case 'CRL_EXPIRED':
      return 'CertChainError';
  }
}

const failed = (failure: CertificateFailure, reason: string, leaf: ContractChainResult['leaf'] = null): ContractChainResult => ({
  check: { failure, reason, validUntil: null, evidence: [{ what: 'chain', serial: leaf?.serialHex ?? null, source: 'chain', status: failure, reason }] },
  leaf,
});

/** What asking for one certificate's status takes: its CertID (from its issuer) and responder. */
interface StatusQuery {
  index: number;
  certId: { hashAlgorithm: 'sha256'; issuerNameHash: Uint8Array; issuerKeyHash: Uint8Array; serialNumber: Uint8Array };
  responderUrl: string | null;
}

function statusQuery(index: number, certDer: Uint8Array, issuerDer: Uint8Array): StatusQuery {
  const parts = readCertificateParts(certDer);
  const issuerParts = readCertificateParts(issuerDer);
  return {
    index,
    certId: { hashAlgorithm: 'sha256', issuerNameHash: digest('sha256', issuerParts.subject), issuerKeyHash: digest('sha256', issuerParts.subjectPublicKey), serialNumber: parts.serialNumber },
    responderUrl: ocspUrlOf(certDer),
  };
}

/** The status of one certificate of the chain, from its issuer, by OCSP (C07.FR.05). */
async function pairStatus(deps: ContractChainDeps, chain: readonly Uint8Array[], q: StatusQuery): Promise<{ check: CertificateCheck; status: CertificateStatus }> {
  const outcome = await deps.status.check(q.certId, q.responderUrl, chain);
  const check = checkFromStatus(`chain[${q.index}]`, hex(q.certId.serialNumber), outcome);
  if (outcome.ok && outcome.status.status === 'good') return { check, status: 'good' };
  if (outcome.ok && outcome.status.status === 'revoked') return { check, status: { revoked: { at: outcome.status.revokedAt, reason: outcome.status.reason ?? 'unspecified' } } };
  return { check, status: 'unknown' };
}

function accepted(leaf: NonNullable<ContractChainResult['leaf']>, anchorName: string, checks: readonly CertificateCheck[]): ContractChainResult {
  const until = checks.map((c) => c.validUntil).filter((d): d is Date => d !== null);
  return {
    check: {
      failure: null,
      reason: `the chain validates to the MO root "${anchorName}" and every certificate is good`,
      validUntil: until.length ? new Date(Math.min(...until.map((d) => d.getTime()))) : null,
      evidence: checks.flatMap((c) => c.evidence),
    },
    leaf,
  };
}

/** A chain validated before, within its validity and still under a trusted root: statuses only. */
async function recheck(deps: ContractChainDeps, v: ValidatedChain): Promise<ContractChainResult> {
  const checks: CertificateCheck[] = [];
  for (const pair of v.pairs) {
    const { check } = await pairStatus(deps, v.chain, pair);
    checks.push(check);
    // As path validation does: the first certificate without a good status decides.
    if (check.failure) return { check: { ...check, evidence: checks.flatMap((c) => c.evidence) }, leaf: { ...v.leaf, validated: false } };
  }
  return accepted(v.leaf, v.anchorName, checks);
}

export async function checkContractChain(deps: ContractChainDeps, pem: string): Promise<ContractChainResult> {
  // Step 0: a chain that validated before needs only its statuses checked again.
  const key = deps.validated ? createHash('sha256').update(pem).digest('base64') : '';
  const known = deps.validated?.get(key);
  if (known) {
    const nowMs = deps.now().getTime();
    if (nowMs >= known.fromMs && nowMs <= known.untilMs && deps.known.moRoots().some((r) => Buffer.compare(r, known.anchorDer) === 0)) return recheck(deps, known);
    deps.validated?.delete(key);
  }
  // Step 1: the PEM chain.
  let chain: Uint8Array[];
  try {
    chain = parsePemCertificates(pem, MAX_CHAIN_CERTIFICATES);
    if (chain.length === 0) throw new Error('no PEM certificate');
  } catch (err) {
    return failed('CertChainError', `certificate: ${(err as Error).message}`);
  }
  const leafDer = chain[0] as Uint8Array;
  const leafParts = readCertificateParts(leafDer);
  let emaid: string | null = null;
  try {
    emaid = commonName(parsePathCertificate(leafDer));
  } catch {
    emaid = null;
  }
  const leaf: NonNullable<ContractChainResult['leaf']> = { der: leafDer, serialHex: hex(leafParts.serialNumber), emaid, validated: false };

  // Step 2: path validation to the MO roots; the status hook asks OCSP for each certificate.
  const anchors = deps.known.moRoots();
  if (anchors.length === 0) return failed('CertChainError', 'no MO root is configured (--mo-roots-file, or an mo-root CA)', leaf);
  const statusChecks = new Map<number, CertificateCheck>();
  const pairs: ValidatedChain['pairs'] = [];
  const checkStatus = async (cert: PathCertificate, issuer: PathCertificate): Promise<CertificateStatus> => {
    const index = chain.findIndex((c) => hex(c) === hex(cert.der));
    const q = statusQuery(index, cert.der, issuer.der);
    pairs.push(q);
    const { check, status } = await pairStatus(deps, chain, q);
    statusChecks.set(index, check);
    return status;
  };
  let result: PathResult;
  try {
    result = await validatePath({ chain, anchors, at: deps.now(), revocation: 'require', checkStatus });
  } catch (err) {
    return failed('CertChainError', `the chain cannot be validated: ${(err as Error).message}`, leaf);
  }
  if (!result.ok) {
    const fromStatus = statusChecks.get(result.index);
    if ((result.code === 'REVOCATION_UNKNOWN' || result.code === 'REVOKED') && fromStatus?.failure) return { check: { ...fromStatus, evidence: [...statusChecks.values()].flatMap((c) => c.evidence) }, leaf };
    const failure = result.code === 'REVOCATION_UNKNOWN' ? 'NoCertificateAvailable' : chainFailureFor(result.code);
    return failed(failure, `chain[${result.index}]: ${result.code}: ${result.detail}`, leaf);
  }
  // Step 3: accepted. The sub-CAs become issuer candidates for later hash-data and status checks.
  for (const ca of result.path.slice(1)) deps.known.learn(ca.der);
  const validatedLeaf = { ...leaf, validated: true };
  const anchorName = formatName(result.anchor.subject);
  const all = [...result.path, result.anchor];
  deps.validated?.set(key, {
    leaf: validatedLeaf,
    pairs,
    chain,
    anchorDer: result.anchor.der,
    anchorName,
    fromMs: Math.max(...all.map((c) => c.notBefore.getTime())),
    untilMs: Math.min(...all.map((c) => c.notAfter.getTime())),
  });
  return accepted(validatedLeaf, anchorName, [...statusChecks.values()]);
}
