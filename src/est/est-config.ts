// What the EST service serves and to whom: CA labels (RFC 7030 3.2.2) mapped to a profile and the
// CA that issues it, and the accounts allowed to enroll. Accounts live in configuration, not in
// the database: there are a handful of peer CSMSs, each set up by hand.
import { getProfile, isProfileId } from '../../pki/profiles/index.js';
import { mayIssue } from '../../pki/profiles/hierarchy.js';
import type { ProfileId } from '../../pki/profiles/types.js';
import type { Store } from '../store/store.js';
import { EstError } from './est-error.js';

export interface EstLabel {
  /** The path segment: /.well-known/est/<label>/simpleenroll. */
  label: string;
  profile: ProfileId;
  /** The id of the CA that issues under this label (cpo-sub-ca-2, ...). */
  issuerId: string;
  /** Validity of issued certificates; the profile's default when absent. */
  validityDays?: number;
}

export type EstAccountAuth =
  /** HTTP Basic inside TLS (RFC 7030 3.2.3); the hash as src/api/secret-hash.ts writes it (scrypt$N$r$p$salt$hash). */
  | { basicPasswordHash: string }
  /** A TLS client certificate (RFC 7030 3.3.2) that validates to a trust anchor and carries this subject CN. */
  | { certificateSubjectCn: string };

export interface EstAccount {
  /** The user name for HTTP Basic, and the name in the audit log (requestedBy est:<clientId>). */
  clientId: string;
  allowedLabels: readonly string[];
  auth: EstAccountAuth;
}

/** The labels of ISO 15118-2's leaf certificates, issued by the lab hierarchy's CAs. */
export const DEFAULT_EST_LABELS: readonly EstLabel[] = [
  { label: 'secc', profile: 'secc-leaf', issuerId: 'cpo-sub-ca-2' },
  { label: 'cps', profile: 'cps-leaf', issuerId: 'cps-sub-ca-2' },
  { label: 'contract', profile: 'contract-leaf', issuerId: 'mo-sub-ca-2' },
  { label: 'oem-prov', profile: 'oem-provisioning-leaf', issuerId: 'oem-sub-ca-2' },
];

/** RFC 7030 3.2.2: operation names cannot be labels, or the URI would be ambiguous. */
const OPERATIONS: ReadonlySet<string> = new Set(['cacerts', 'simpleenroll', 'simplereenroll', 'fullcmc', 'serverkeygen', 'csrattrs']);
/** An RFC 3986 path segment of unreserved characters only: nothing to escape, nothing to normalise. */
const LABEL_SYNTAX = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,63}$/;
const CLIENT_ID_SYNTAX = /^[!-9;-~]{1,128}$/; // printable ASCII without ':' (RFC 7617 2: user-id has no colon)

const invalid = (what: string): never => {
  throw new EstError('EST_CONFIG_INVALID', what);
};

/**
 * Checks labels and accounts against each other and against the CAs in storage: each label's CA
 * exists and may issue its profile, each account names known labels. Raised at start, never later.
 */
export async function checkEstConfig(store: Pick<Store, 'caIssuers'>, labels: readonly EstLabel[], accounts: readonly EstAccount[], defaultLabel: string | undefined): Promise<void> {
  const seen = new Set<string>();
  for (const l of labels) {
    if (!LABEL_SYNTAX.test(l.label) || OPERATIONS.has(l.label)) invalid(`EST label "${l.label}" is not a valid label (RFC 7030 3.2.2)`);
    if (seen.has(l.label)) invalid(`EST label "${l.label}" is defined twice`);
    seen.add(l.label);
    if (!isProfileId(l.profile)) invalid(`EST label "${l.label}": unknown profile ${String(l.profile)}`);
    // A peer gets end-entity certificates only: never a CA, never a delegated OCSP signer that
    // could speak for one of our CAs (RFC 6960 4.2.2.2).
    if (getProfile(l.profile).kind !== 'leaf' || l.profile === 'ocsp-signer') invalid(`EST label "${l.label}": ${l.profile} is not issued over EST`);
    if (l.validityDays !== undefined && !(Number.isInteger(l.validityDays) && l.validityDays > 0)) invalid(`EST label "${l.label}": validityDays must be a positive integer`);
    const issuer = await store.caIssuers.get(l.issuerId);
    if (!issuer) return invalid(`EST label "${l.label}": no CA named ${l.issuerId}`);
    if (!isProfileId(issuer.profile) || !mayIssue(issuer.profile, l.profile)) invalid(`EST label "${l.label}": CA ${l.issuerId} (${issuer.profile}) does not issue ${l.profile}`);
  }
  if (defaultLabel !== undefined && !seen.has(defaultLabel)) invalid(`the default EST label "${defaultLabel}" is not defined`);
  const ids = new Set<string>();
  for (const a of accounts) {
    if (!CLIENT_ID_SYNTAX.test(a.clientId)) invalid(`EST account "${a.clientId.slice(0, 40)}": client ids are printable ASCII without ':'`);
    if (ids.has(a.clientId)) invalid(`EST account "${a.clientId}" is defined twice`);
    ids.add(a.clientId);
    for (const l of a.allowedLabels) if (!seen.has(l)) invalid(`EST account "${a.clientId}" allows unknown label "${l}"`);
    if ('basicPasswordHash' in a.auth) {
      if (!a.auth.basicPasswordHash.startsWith('scrypt$')) invalid(`EST account "${a.clientId}": basicPasswordHash is not an scrypt hash`);
    } else if (a.auth.certificateSubjectCn.length === 0) invalid(`EST account "${a.clientId}": certificateSubjectCn is empty`);
  }
}

/**
 * The trust anchors for TLS client certificates, from the CAs we run: usually roots (csms-root,
 * v2g-root); a sub-CA narrows trust to what it issued. `'all-roots'` takes every root in storage.
 */
export async function estTrustAnchors(store: Pick<Store, 'caIssuers'>, ids: readonly string[] | 'all-roots'): Promise<Uint8Array[]> {
  if (ids === 'all-roots') return (await store.caIssuers.list()).filter((r) => r.parentId === null).map((r) => r.certificate);
  const out: Uint8Array[] = [];
  for (const id of ids) {
    const row = await store.caIssuers.get(id);
    if (!row) return invalid(`EST client trust anchor ${id}: no such CA`);
    out.push(row.certificate);
  }
  return out;
}
