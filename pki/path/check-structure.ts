// RFC 5280 6.1.3 and 6.1.4: the checks each certificate of a path gets on its own and against the
// one above it, from the trust anchor down. Pure and synchronous; revocation comes afterwards.
//
// Not processed, and therefore refused when critical: nameConstraints, policyMappings and
// policyConstraints with requireExplicitPolicy. certificatePolicies and inhibitAnyPolicy are
// accepted: with the initial inputs fixed at any-policy and no explicit policy required, the policy
// tree cannot change the outcome (6.1.3 d-f, 6.1.5 g), so ignoring it is exact, not lenient.
import { parseDer, sequence } from '../der/reader.js';
import { OID } from '../oids.js';
import { formatName, namesMatch } from './name.js';
import type { PathCertificate } from './parsed-certificate.js';
import { checkSigned, toWorkingKey, type SignatureOptions, type WorkingKey } from './signature.js';
import type { PathErrorCode, PathFailure } from './types.js';

export const pathFailure = (code: PathErrorCode, index: number, detail: string): PathFailure => ({ ok: false, code, index, detail });
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Certificate extensions we process, so their criticality is honoured (6.1.4 o, 6.1.5 f). */
const PROCESSED_EXTENSIONS = new Set<string>([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.cRLDistributionPoints,
  OID.subjectAltName,
  '2.5.29.18', // issuerAltName
  OID.authorityInfoAccess,
  '1.3.6.1.5.5.7.1.11', // subjectInfoAccess
  '2.5.29.46', // freshestCRL
  OID.certificatePolicies,
  OID.inhibitAnyPolicy,
]);

/** 6.1.3 and 6.1.4 for each certificate from the anchor down; the working key of each on success. */
export function checkStructure(path: readonly PathCertificate[], anchor: PathCertificate, at: Date, signatures: SignatureOptions): { ok: true; keys: WorkingKey[] } | PathFailure {
  const n = path.length;
  let workingKey = toWorkingKey(anchor.spki, undefined);
  let workingName = anchor.subject;
  // 6.1.2 (k): max_path_length starts at n; the anchor's own constraints are not enforced (6.1.1 d).
  let maxPathLength = n;
  const keys: WorkingKey[] = [];
  for (let k = n - 1; k >= 0; k--) {
    const cert = path[k]!;
    // 6.1.3 (a)(4): name chaining, RFC 5280 7.1 comparison.
    if (!namesMatch(cert.issuer, workingName)) return pathFailure('NAME_CHAINING', k, `issuer ${formatName(cert.issuer)} is not ${formatName(workingName)}, the subject above it`);
    // 6.1.3 (a)(1): the signature, under the working public key and its parameters.
    const sig = checkSigned(cert, workingKey, signatures);
    if (!sig.ok) return pathFailure(sig.code, k, sig.detail);
    // 6.1.3 (a)(2): validity at the given time.
    if (at.getTime() < cert.notBefore.getTime()) return pathFailure('NOT_YET_VALID', k, `not valid before ${cert.notBefore.toISOString()}`);
    if (at.getTime() > cert.notAfter.getTime()) return pathFailure('EXPIRED', k, `expired at ${cert.notAfter.toISOString()}`);
    // 6.1.4 (o), 6.1.5 (f): critical extensions we do not process.
    const unknown = unprocessedCriticalExtension(cert);
    if (unknown) return pathFailure('UNKNOWN_CRITICAL_EXTENSION', k, unknown);
    if (k > 0) {
      // 6.1.4 (k): an intermediate must be a v3 CA certificate.
      if (cert.version !== 3 || !cert.basicConstraints?.ca) return pathFailure('NOT_A_CA', k, cert.basicConstraints ? 'basicConstraints cA is false' : 'no basicConstraints extension');
      // 6.1.4 (l), (m): self-issued certificates do not count against pathLenConstraint.
      if (!cert.selfIssued) {
        if (maxPathLength <= 0) return pathFailure('PATH_LENGTH_EXCEEDED', k, 'a pathLenConstraint above allows no further CA certificate');
        maxPathLength--;
      }
      const limit = cert.basicConstraints.pathLenConstraint;
      if (limit !== undefined && limit < maxPathLength) maxPathLength = limit;
      // 6.1.4 (n).
      if (cert.keyUsage && !cert.keyUsage.has('keyCertSign')) return pathFailure('KEY_USAGE', k, 'intermediate keyUsage lacks keyCertSign');
    }
    // 6.1.4 (d)-(f): the next working key, inheriting DSA parameters.
    try {
      workingKey = toWorkingKey(cert.spki, workingKey);
    } catch (e) {
      return pathFailure('MALFORMED', k, message(e));
    }
    keys[k] = workingKey;
    workingName = cert.subject;
  }
  return { ok: true, keys };
}

function unprocessedCriticalExtension(cert: PathCertificate): string | undefined {
  for (const e of cert.extensions) {
    if (!e.critical || PROCESSED_EXTENSIONS.has(e.oid)) continue;
    if (e.oid === OID.policyConstraints && !requiresExplicitPolicy(e.value)) continue;
    const known: Record<string, string> = { [OID.nameConstraints]: 'nameConstraints', [OID.policyMappings]: 'policyMappings', [OID.policyConstraints]: 'policyConstraints requireExplicitPolicy' };
    return `critical extension ${known[e.oid] ?? e.oid} is not processed`;
  }
  return undefined;
}

/** PolicyConstraints ::= SEQUENCE { requireExplicitPolicy [0] SkipCerts OPTIONAL, inhibitPolicyMapping [1] ... }. */
function requiresExplicitPolicy(value: Uint8Array): boolean {
  try {
    return sequence(parseDer(value), 'policyConstraints').some((f) => f.tag === 0x80);
  } catch {
    return true;
  }
}

export function signedBy(cert: PathCertificate, issuer: PathCertificate, options: SignatureOptions): boolean {
  try {
    return checkSigned(cert, toWorkingKey(issuer.spki, undefined), options).ok;
  } catch {
    return false;
  }
}
