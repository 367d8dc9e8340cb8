// The registration authority for EST: is this request, from this account, acceptable under this
// label? The CSR is checked against the label's profile; an accepted request goes through the
// CA's full issuance cycle (lint, audit record with requestedBy est:<clientId>).
import { checkCsr } from '../../pki/csr/check-csr.js';
import { parseCsr } from '../../pki/csr/parse-csr.js';
import { nameValue, type DistinguishedName, type NameAttribute, type ParsedNameAttribute } from '../../pki/names.js';
import { getProfile } from '../../pki/profiles/index.js';
import type { CaService } from '../ca/ca-service.js';
import type { IssuedCertificate } from '../ca/issue-certificate.js';
import type { ClientCertificate } from './client-certificate.js';
import type { EstAccount, EstLabel } from './est-config.js';
import { EstError } from './est-error.js';

export interface EnrollDeps {
  ca: Pick<CaService, 'issue' | 'keyCertifiedForOther'>;
}

export interface EnrollRequest {
  label: EstLabel;
  account: EstAccount;
  /** The PKCS#10 request, DER. */
  csr: Uint8Array;
  /** simplereenroll: the certificate being renewed, validated and ours. */
  renewing?: ClientCertificate;
}

export async function enrollCertificate(deps: EnrollDeps, req: EnrollRequest): Promise<IssuedCertificate> {
  const profile = getProfile(req.label.profile);

  // Step 1: parse. A malformed request is a PkiError, which the edge maps to 400.
  const csr = parseCsr(req.csr);
  const renewed = req.renewing?.parsed.subject;
  const identity = (renewed ? nameValue(renewed, 'CN') : undefined) ?? nameValue(csr.subject, 'CN') ?? null;

  // Step 2: the profile's rules. On renewal the identity is fixed by the current certificate.
  const expectedCn = renewed ? nameValue(renewed, 'CN') : undefined;
  const expectedO = renewed ? nameValue(renewed, 'O') : undefined;
  const check = checkCsr(csr, {
    profile,
    ...(renewed ? { expectedSubject: { ...(expectedCn !== undefined ? { commonName: expectedCn } : {}), ...(expectedO !== undefined ? { organization: expectedO } : {}) } } : {}),
    keyCertifiedForOtherIdentity: identity !== null && (await deps.ca.keyCertifiedForOther(csr.publicKey, identity)),
  });
  if (!check.ok) throw new EstError('EST_CSR_REJECTED', check.defects.map((d) => `${d.code}: ${d.detail}`).join('; '), [...new Set(check.defects.map((d) => d.code))]);

  // Step 3: RFC 7030 4.2.2: on renewal the subject is the current certificate's, attribute for attribute.
  let subject: DistinguishedName = toDistinguishedName(check.subject);
  if (renewed) {
    if (!sameName(check.subject, renewed)) throw new EstError('EST_SUBJECT_MISMATCH', 'the request subject differs from the certificate being renewed (RFC 7030 4.2.2)');
    subject = toDistinguishedName(renewed);
  }

  // Step 4: the CA's issuance cycle.
  return deps.ca.issue({
    issuerId: req.label.issuerId,
    profile: req.label.profile,
    subject,
    publicKey: check.publicKey,
    ...(req.label.validityDays !== undefined ? { validityDays: req.label.validityDays } : {}),
    identity,
    requestedBy: `est:${req.account.clientId}`,
  });
}

/** The attributes we name; checkCsr has refused any other by now. */
function toDistinguishedName(name: readonly ParsedNameAttribute[]): DistinguishedName {
  return name.flatMap((a): NameAttribute[] => (a.type ? [{ type: a.type, value: a.value }] : []));
}

function sameName(a: readonly ParsedNameAttribute[], b: readonly ParsedNameAttribute[]): boolean {
  return a.length === b.length && a.every((x, i) => x.oid === b[i]?.oid && x.value === b[i]?.value);
}
