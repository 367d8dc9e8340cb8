// RFC 5280 section 6 certification path validation, run against NIST PKITS (test/integration/
// pkits.test.ts). Pure: the validation time comes in, verification is node:crypto, nothing is read
// from the clock, the network or the disk. Hostile input yields a PathResult; only misuse (no chain,
// an invalid Date, an unreadable trust anchor) throws PkiError('PATH_INVALID').
// The per-certificate checks are in check-structure.ts, CRL processing in crl-status.ts.
import { createHash } from 'node:crypto';
import { PkiError } from '../errors.js';
import { checkStructure, pathFailure as failure, signedBy } from './check-structure.js';
import { checkCrlStatus, type CrlVerification } from './crl-status.js';
import { formatName, namesMatch } from './name.js';
import { bytesEqual, KEY_USAGE_BITS, parsePathCertificate, type KeyUsageName, type PathCertificate } from './parsed-certificate.js';
import { parsePathCrl, type PathCrl } from './parsed-crl.js';
import { checkSigned, toWorkingKey, type SignatureOptions, type WorkingKey } from './signature.js';
import type { CertificateStatus, PathErrorCode, PathResult, RevocationMode, RevocationOutcome, ValidatePathInput } from './types.js';

export type { CertificateStatus, PathErrorCode, PathResult, RevocationMode, RevocationOutcome, ValidatePathInput } from './types.js';
export type { KeyUsageName, PathCertificate } from './parsed-certificate.js';

/** Longer chains are refused as MALFORMED: Plug & Charge paths have at most four certificates. */
export const MAX_CHAIN_LENGTH = 16;
/** How deep CRL issuer paths may nest (a CRL issuer whose own CRL has another issuer ...). */
const MAX_CRL_ISSUER_DEPTH = 4;
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

interface Session {
  readonly at: Date;
  readonly crls: readonly PathCrl[];
  readonly unreadableCrls: number;
  /** The chain and the other certificates: where CRL issuer paths are built from. */
  readonly pool: readonly PathCertificate[];
  readonly others: readonly PathCertificate[];
  readonly mode: RevocationMode;
  readonly checkStatus: ValidatePathInput['checkStatus'];
  readonly signatures: SignatureOptions;
  readonly statusDone: Map<string, StatusResult>;
  readonly statusBusy: Set<string>;
  readonly crlIssuerDone: Map<string, CrlVerification>;
}

interface PathOptions {
  readonly requiredKeyUsage: readonly KeyUsageName[];
  readonly requiredExtKeyUsage: readonly string[];
  /** The leaf is a CRL issuer: keyUsage, when present, must allow cRLSign (6.3.3 f). */
  readonly crlIssuer: boolean;
  readonly depth: number;
  /** Keys whose CRL issuer path is being validated by an enclosing call (stops the recursion). */
  readonly busyKeys: ReadonlySet<string>;
}

type StatusResult = { ok: true; outcome: RevocationOutcome } | { ok: false; code: PathErrorCode; detail: string };

/**
 * Trust anchors and CA certificates, parsed, by DER content: they recur in every validation (a
 * fleet's certificates share a few sub-CAs), leaves do not. Each entry holds its own copy of the
 * DER, so a caller reusing its buffer cannot change it. Bounded; the oldest entry goes first.
 */
const CA_PARSE_CACHE_SIZE = 256;
const caParsed = new Map<string, PathCertificate>();
function parseCaCertificate(der: Uint8Array): PathCertificate {
  const id = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('latin1');
  let cert = caParsed.get(id);
  if (!cert) {
    cert = parsePathCertificate(Uint8Array.from(der));
    if (caParsed.size >= CA_PARSE_CACHE_SIZE) caParsed.delete(caParsed.keys().next().value as string);
    caParsed.set(id, cert);
  }
  return cert;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const fingerprint = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

export async function validatePath(input: ValidatePathInput): Promise<PathResult> {
  // Step 1: misuse is thrown, not reported: no chain, no usable time, unreadable trusted configuration.
  if (!(input.at instanceof Date) || Number.isNaN(input.at.getTime())) throw new PkiError('PATH_INVALID', 'validation time is not a valid Date');
  if (input.chain.length === 0) throw new PkiError('PATH_INVALID', 'the chain is empty');
  for (const u of input.requiredLeafKeyUsage ?? []) if (!(KEY_USAGE_BITS as readonly string[]).includes(u)) throw new PkiError('PATH_INVALID', `unknown key usage ${u}`);
  const anchors = input.anchors.map((der, i) => {
    try {
      const anchor = parseCaCertificate(der);
      toWorkingKey(anchor.spki, undefined);
      return anchor;
    } catch (e) {
      throw new PkiError('PATH_INVALID', `trust anchor ${i} cannot be read: ${message(e)}`);
    }
  });

  // Step 2: the chain, cut where a certificate is itself a trust anchor (same name and key).
  if (input.chain.length > MAX_CHAIN_LENGTH) return failure('MALFORMED', input.chain.length - 1, `the chain has ${input.chain.length} certificates; at most ${MAX_CHAIN_LENGTH} are accepted`);
  const path: PathCertificate[] = [];
  for (const [i, given] of input.chain.entries()) {
    let cert: PathCertificate;
    try {
      cert = !(given instanceof Uint8Array) ? given : i === 0 ? parsePathCertificate(given) : parseCaCertificate(given);
    } catch (e) {
      return failure('MALFORMED', i, message(e));
    }
    if (i > 0 && anchors.some((a) => namesMatch(a.subject, cert.subject) && bytesEqual(a.spki, cert.spki))) break;
    path.push(cert);
  }

  // Step 3: CRLs and helper certificates are untrusted and optional: unreadable ones are left out.
  const readable = <T>(list: readonly Uint8Array[] | undefined, parse: (der: Uint8Array) => T): T[] =>
    (list ?? []).flatMap((der) => {
      try {
        return [parse(der)];
      } catch {
        return [];
      }
    });
  const crls = readable(input.crls, parsePathCrl);
  const others = readable(input.otherCertificates, parsePathCertificate);
  const session: Session = {
    at: input.at,
    crls,
    unreadableCrls: (input.crls?.length ?? 0) - crls.length,
    pool: [...path, ...others],
    others,
    mode: input.revocation ?? 'if-available',
    checkStatus: input.checkStatus,
    signatures: { allowSha1: input.allowSha1Signatures === true },
    statusDone: new Map(),
    statusBusy: new Set(),
    crlIssuerDone: new Map(),
  };

  // Step 4: RFC 5280 6.1 over the path, then revocation.
  return validateCertPath(session, path, anchors, {
    requiredKeyUsage: input.requiredLeafKeyUsage ?? [],
    requiredExtKeyUsage: input.requiredLeafExtKeyUsage ?? [],
    crlIssuer: false,
    depth: 0,
    busyKeys: new Set(),
  });
}

async function validateCertPath(s: Session, path: readonly PathCertificate[], anchors: readonly PathCertificate[], o: PathOptions): Promise<PathResult> {
  const n = path.length;
  const top = path[n - 1]!;

  // Step 1: the trust anchor is named by the top certificate's issuer; prefer one whose key verifies it.
  const named = anchors.filter((a) => namesMatch(a.subject, top.issuer));
  const anchor = named.find((a) => signedBy(top, a, s.signatures)) ?? named[0];
  if (!anchor) return failure('NO_TRUST_ANCHOR', n - 1, `no trust anchor is named ${formatName(top.issuer)}`);

  // Step 2: basic certificate processing, anchor first (6.1.3, 6.1.4, 6.1.5).
  const structure = checkStructure(path, anchor, s.at, s.signatures);
  if (!structure.ok) return structure;

  // Step 3: what the caller needs the leaf for.
  const leaf = path[0]!;
  for (const usage of o.requiredKeyUsage) {
    if (!leaf.keyUsage?.has(usage)) return failure('KEY_USAGE', 0, leaf.keyUsage ? `keyUsage lacks ${usage}` : `no keyUsage extension; ${usage} is required`);
  }
  if (o.crlIssuer && leaf.keyUsage && !leaf.keyUsage.has('cRLSign')) return failure('KEY_USAGE', 0, 'CRL issuer keyUsage lacks cRLSign');
  for (const purpose of o.requiredExtKeyUsage) {
    const eku = leaf.extKeyUsage;
    if (!eku?.includes(purpose) && !eku?.includes(ANY_EXTENDED_KEY_USAGE)) return failure('EXT_KEY_USAGE', 0, eku ? `extKeyUsage lacks ${purpose}` : `no extKeyUsage extension; ${purpose} is required`);
  }

  // Step 4: revocation, anchor side first, so that an issuer is known good before its CRLs are trusted.
  const outcomes: RevocationOutcome[] = path.map(() => 'not-checked');
  for (let k = n - 1; k >= 0; k--) {
    const r = await statusOf(s, path, k, anchor, structure.keys, o);
    if (!r.ok) return failure(r.code, k, r.detail);
    outcomes[k] = r.outcome;
  }
  return { ok: true, path, anchor, revocation: outcomes };
}

/** Revocation status of path[k], once per certificate and validation (CRL issuer paths share it). */
async function statusOf(s: Session, path: readonly PathCertificate[], k: number, anchor: PathCertificate, keys: readonly WorkingKey[], o: PathOptions): Promise<StatusResult> {
  if (s.mode === 'off') return { ok: true, outcome: 'not-checked' };
  const cert = path[k]!;
  const id = fingerprint(cert.der);
  const done = s.statusDone.get(id);
  if (done) return done;
  if (s.statusBusy.has(id)) return { ok: false, code: 'REVOCATION_UNKNOWN', detail: 'its status depends on itself through CRL issuers' };
  s.statusBusy.add(id);
  try {
    const result = await determineStatus(s, path, k, anchor, keys, o);
    s.statusDone.set(id, result);
    return result;
  } finally {
    s.statusBusy.delete(id);
  }
}

async function determineStatus(s: Session, path: readonly PathCertificate[], k: number, anchor: PathCertificate, keys: readonly WorkingKey[], o: PathOptions): Promise<StatusResult> {
  const cert = path[k]!;
  // Step a: the status hook (our store, OCSP) speaks first; 'unknown' falls through to CRLs.
  if (s.checkStatus) {
    let answer: CertificateStatus;
    try {
      answer = await s.checkStatus(cert, path[k + 1] ?? anchor);
    } catch (e) {
      return { ok: false, code: 'REVOCATION_UNKNOWN', detail: `the status source failed: ${message(e)}` };
    }
    if (answer === 'good') return { ok: true, outcome: 'good-by-status-hook' };
    if (typeof answer === 'object' && 'revoked' in answer) {
      const at = answer.revoked.at instanceof Date && !Number.isNaN(answer.revoked.at.getTime()) ? answer.revoked.at.toISOString() : 'an unknown time';
      return { ok: false, code: 'REVOKED', detail: `revoked at ${at} (${String(answer.revoked.reason)}) according to the status source` };
    }
  }
  // Step b: CRLs (RFC 5280 6.3).
  const status = await checkCrlStatus(cert, { crls: s.crls, at: s.at, verifyCrl: (crl) => verifyCrl(s, path, k, anchor, keys, o, crl) });
  if (status.kind === 'good') return { ok: true, outcome: 'good-by-crl' };
  if (status.kind === 'revoked') return { ok: false, code: 'REVOKED', detail: `revoked at ${status.at.toISOString()} (${status.reason}) according to a CRL` };
  // A CRL in scope that cannot be used fails the path whatever the mode: someone meant it to count.
  if (status.failure) return { ok: false, code: status.failure.code, detail: status.failure.detail };
  if (s.mode === 'if-available') return { ok: true, outcome: 'not-checked' };
  const unreadable = s.unreadableCrls > 0 ? ` (${s.unreadableCrls} CRLs given could not be read)` : '';
  return { ok: false, code: 'REVOCATION_UNKNOWN', detail: (status.partial ? 'the CRLs given do not cover all revocation reasons' : `no status source answered and no CRL in scope was given`) + unreadable };
}

/**
 * 6.3.3 (f), (g): the CRL is signed by a key with a valid path to the same trust anchor, allowed to
 * sign CRLs. Certificates above path[k] (and the anchor) are already validated; any other
 * certificate first gets a path of its own, built from the chain and the other certificates.
 */
async function verifyCrl(s: Session, path: readonly PathCertificate[], k: number, anchor: PathCertificate, keys: readonly WorkingKey[], o: PathOptions, crl: PathCrl): Promise<CrlVerification> {
  let detail = `no certificate named ${formatName(crl.issuer)} verifies its signature`;
  const validated: { cert: PathCertificate; key: WorkingKey; isAnchor: boolean }[] = [];
  for (let j = k + 1; j < path.length; j++) validated.push({ cert: path[j]!, key: keys[j]!, isAnchor: false });
  validated.push({ cert: anchor, key: toWorkingKey(anchor.spki, undefined), isAnchor: true });
  for (const v of validated) {
    if (!namesMatch(v.cert.subject, crl.issuer)) continue;
    const sig = checkSigned(crl, v.key, s.signatures);
    if (!sig.ok) {
      if (sig.code === 'UNSUPPORTED_ALGORITHM') detail = sig.detail;
      continue;
    }
    // The anchor is a name and a key: its certificate's extensions are not enforced (6.1.1 d).
    if (!v.isAnchor && v.cert.keyUsage && !v.cert.keyUsage.has('cRLSign')) {
      detail = `its issuer's keyUsage lacks cRLSign`;
      continue;
    }
    return { ok: true, signerKey: fingerprint(v.key.spki) };
  }
  for (const c of s.others) {
    if (!namesMatch(c.subject, crl.issuer)) continue;
    let key: WorkingKey;
    try {
      key = toWorkingKey(c.spki, undefined);
    } catch {
      continue;
    }
    if (!checkSigned(crl, key, s.signatures).ok) continue;
    // A CRL issuer whose path is being validated right now may vouch for its own certificate on its
    // own indirect CRL (PKITS 4.14.30): the enclosing validation has already checked its structure.
    const issuerPath = o.busyKeys.has(fingerprint(c.spki)) ? crlIssuerKeyUsage(c) : await validateCrlIssuer(s, c, anchor, o);
    if (!issuerPath.ok) {
      detail = issuerPath.detail;
      continue;
    }
    return { ok: true, signerKey: fingerprint(key.spki) };
  }
  return { ok: false, detail };
}

function crlIssuerKeyUsage(c: PathCertificate): CrlVerification {
  return c.keyUsage && !c.keyUsage.has('cRLSign') ? { ok: false, detail: `CRL issuer ${formatName(c.subject)} lacks cRLSign` } : { ok: true, signerKey: fingerprint(c.spki) };
}

async function validateCrlIssuer(s: Session, issuer: PathCertificate, anchor: PathCertificate, o: PathOptions): Promise<CrlVerification> {
  if (o.depth >= MAX_CRL_ISSUER_DEPTH) return { ok: false, detail: 'CRL issuer paths nest too deeply' };
  const id = fingerprint(issuer.der);
  const done = s.crlIssuerDone.get(id);
  if (done) return done;
  const keyId = fingerprint(issuer.spki);
  const r = await validateCertPath(s, buildPath(s, issuer, anchor), [anchor], {
    requiredKeyUsage: [],
    requiredExtKeyUsage: [],
    crlIssuer: true,
    depth: o.depth + 1,
    busyKeys: new Set([...o.busyKeys, keyId]),
  });
  const out: CrlVerification = r.ok ? { ok: true, signerKey: keyId } : { ok: false, detail: `CRL issuer ${formatName(issuer.subject)}: ${r.code} at position ${r.index} of its path: ${r.detail}` };
  s.crlIssuerDone.set(id, out);
  return out;
}

/** A path from `start` up to `anchor` through the pool, preferring issuers whose key verifies. */
function buildPath(s: Session, start: PathCertificate, anchor: PathCertificate): PathCertificate[] {
  const out = [start];
  let cur = start;
  while (out.length < MAX_CHAIN_LENGTH) {
    if (namesMatch(cur.issuer, anchor.subject) && signedBy(cur, anchor, s.signatures)) return out;
    const from = cur;
    const named = s.pool.filter((p) => !out.includes(p) && namesMatch(p.subject, from.issuer));
    const next = named.find((p) => signedBy(from, p, s.signatures)) ?? named[0];
    if (!next) return out;
    out.push(next);
    cur = next;
  }
  return out;
}
