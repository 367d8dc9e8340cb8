// The issuance cycle. The CA never parses OCPP or CSRs: the registration authority hands it a
// decided request (issuer, profile, subject, public key). Each step is numbered; concurrent
// issuances share their database round trips through batchers, step by step.
import { createHash } from 'node:crypto';
import { buildTbs, type CertificateTemplate } from '../../pki/certificate/build-tbs.js';
import { lintTbs } from '../../pki/certificate/lint-tbs.js';
import { signCertificate } from '../../pki/certificate/sign-certificate.js';
import { bytesToHex } from '../../pki/der/writer.js';
import { formatName, type DistinguishedName } from '../../pki/names.js';
import type { AltNames } from '../../pki/certificate/extensions.js';
import { getProfile } from '../../pki/profiles/index.js';
import { mayIssue } from '../../pki/profiles/hierarchy.js';
import type { ProfileId } from '../../pki/profiles/types.js';
import { Batcher } from '../store/batcher.js';
import type { Store } from '../store/store.js';
import type { NewAuditRecord } from '../store/ca-audit.js';
import { CaError } from './ca-error.js';
import type { IssuerRegistry } from './issuer-registry.js';

export interface IssueRequest {
  issuerId: string;
  profile: ProfileId;
  subject: DistinguishedName;
  /** SubjectPublicKeyInfo DER of the subject's key. */
  publicKey: Uint8Array;
  /** Defaults to the profile's default validity; never more than the profile's maximum. */
  validityDays?: number;
  altNames?: AltNames;
  /** The identity the certificate is bound to (station id, SECC ID, eMAID, PCID), for look-ups. */
  identity?: string | null;
  /** Who asked, for the audit log. */
  requestedBy: string;
}

export interface IssuedCertificate {
  serial: string;
  der: Uint8Array;
  issuerId: string;
  profile: ProfileId;
  notBefore: Date;
  notAfter: Date;
  /** The issuing CA's chain, issuer first, root last. */
  chain: Uint8Array[];
}

export interface IssuanceDeps {
  store: Pick<Store, 'db' | 'certificates' | 'caAudit'>;
  issuers: IssuerRegistry;
  now: () => Date;
  /** CSPRNG bytes (node:crypto randomBytes in production). */
  randomBytes: (n: number) => Uint8Array;
}

const SERIAL_BYTES = 16;
/** Backdating absorbs clock skew of relying parties (a freshly issued certificate must be valid at once). */
const BACKDATE_MS = 60_000;
const DAY_MS = 86_400_000;

export function createIssuance(deps: IssuanceDeps): { issue: (req: IssueRequest) => Promise<IssuedCertificate> } {
  const { store } = deps;
  const reserveBatch = new Batcher<{ serial: Uint8Array; issuerId: string; profile: string; requestedBy: string }, boolean>(async (items) => {
    const free = await store.certificates.reserve(items);
    return items.map((i) => ({ ok: true, value: free.has(bytesToHex(i.serial)) }));
  });
  const intentBatch = new Batcher<Parameters<Store['certificates']['markSigning']>[0][number], boolean>(async (items) => {
    const done = await store.certificates.markSigning(items);
    return items.map((i) => ({ ok: true, value: done.has(bytesToHex(i.serial)) }));
  });
  const completeBatch = new Batcher<{ serial: Uint8Array; der: Uint8Array; audit: NewAuditRecord }, true>(async (items) => {
    const at = deps.now();
    await store.db.withTransaction(async (tx) => {
      const n = await store.certificates.markIssued(tx, items, at);
      if (n !== items.length) throw new CaError('CA_CERTIFICATE_UNKNOWN', `only ${n} of ${items.length} signed certificates matched their intent`);
      await store.caAudit.append(tx, items.map((i) => i.audit));
    });
    return items.map(() => ({ ok: true, value: true }));
  });

  function newSerial(): Uint8Array {
    const serial = deps.randomBytes(SERIAL_BYTES);
    // Positive and of full length: the first octet is 0x40..0x7f, leaving 126 random bits.
    serial[0] = ((serial[0] as number) & 0x3f) | 0x40;
    return serial;
  }

  async function refuse(serial: Uint8Array, req: IssueRequest, why: string, details: { code: string; detail: string }[]): Promise<never> {
    await store.certificates.markFailed([serial]);
    await store.db.withTransaction((tx) =>
      store.caAudit.append(tx, [{ at: deps.now(), actor: req.requestedBy, action: 'issue', decision: 'refused', issuerId: req.issuerId, serial: bytesToHex(serial), profile: req.profile, detail: { reason: why, findings: details } }]),
    );
    throw new CaError('CA_LINT_FAILED', why, details);
  }

  async function issue(req: IssueRequest): Promise<IssuedCertificate> {
    const profile = getProfile(req.profile);
    const issuer = await deps.issuers.get(req.issuerId);
    if (!mayIssue(issuer.profileId, req.profile)) throw new CaError('CA_PROFILE_MISMATCH', `CA ${req.issuerId} (${issuer.profileId}) does not issue ${req.profile}`);
    const days = req.validityDays ?? profile.defaultValidityDays;
    if (!(days > 0) || days > profile.maxValidityDays) throw new CaError('CA_REQUEST_INVALID', `validity of ${days} days is outside 1..${profile.maxValidityDays} for ${req.profile}`);
    const now = deps.now().getTime();
    // A certificate never outlives its issuer (RFC 5280 6.1.3 would reject it in a path at that point anyway).
    const notBefore = new Date(Math.max(Math.floor((now - BACKDATE_MS) / 1000) * 1000, issuer.context.notBefore.getTime()));
    const notAfter = new Date(Math.min(notBefore.getTime() + days * DAY_MS, issuer.context.notAfter.getTime()));
    if (notAfter.getTime() <= now) throw new CaError('CA_REQUEST_INVALID', `CA ${req.issuerId} has expired`);

    // Step 1: reserve a random serial in storage, so that it is never issued twice.
    let serial = newSerial();
    for (let attempt = 1; !(await reserveBatch.submit({ serial, issuerId: req.issuerId, profile: req.profile, requestedBy: req.requestedBy })); attempt++) {
      if (attempt >= 3) throw new CaError('CA_REQUEST_INVALID', 'could not reserve a unique serial number');
      serial = newSerial();
    }

    // Step 2: build the to-be-signed certificate from the profile.
    const template: CertificateTemplate = { profile, serial, subject: req.subject, publicKey: req.publicKey, notBefore, notAfter, issuer: issuer.context, ...(req.altNames ? { altNames: req.altNames } : {}) };
    let unlinted;
    try {
      unlinted = buildTbs(template);
    } catch (err) {
      return refuse(serial, req, `cannot build the certificate: ${(err as Error).message}`, []);
    }

    // Step 3: lint it against its profile; a failure stops here, before any signature.
    const lint = lintTbs(unlinted);
    if (!lint.ok) return refuse(serial, req, `the certificate fails its ${req.profile} profile`, lint.findings);
    const linted = lint.linted;

    // Step 4: store what is about to be signed.
    const subject = formatName(req.subject);
    const stored = await intentBatch.submit({
      serial,
      tbs: linted.peek(),
      subject,
      identity: req.identity ?? null,
      keySha256: new Uint8Array(createHash('sha256').update(req.publicKey).digest()),
      notBefore,
      notAfter,
    });
    if (!stored) throw new CaError('CA_CERTIFICATE_UNKNOWN', `serial ${bytesToHex(serial)} lost its reservation`);

    // Step 5: sign. The linted value is consumed: it cannot be signed a second time.
    let der: Uint8Array;
    try {
      der = await signCertificate(linted, await deps.issuers.signer(req.issuerId));
    } catch (err) {
      return refuse(serial, req, `signing failed: ${(err as Error).message}`, []);
    }

    // Step 6: store the certificate, its status and the audit record in one transaction.
    await completeBatch.submit({
      serial,
      der,
      audit: { at: deps.now(), actor: req.requestedBy, action: 'issue', decision: 'issued', issuerId: req.issuerId, serial: bytesToHex(serial), profile: req.profile, detail: { subject, identity: req.identity ?? null, notAfter: notAfter.toISOString() } },
    });
    return { serial: bytesToHex(serial), der, issuerId: req.issuerId, profile: req.profile, notBefore, notAfter, chain: issuer.chain };
  }

  return { issue };
}
