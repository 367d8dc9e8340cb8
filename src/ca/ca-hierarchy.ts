// Creating and importing CAs: self-signed roots, sub-CAs issued through the normal cycle, their
// delegated OCSP signers, and CAs brought in from elsewhere (with their key or a Signer).
import { createHash, type KeyObject } from 'node:crypto';
import { describePublicKey, verifySignature } from '../../pki/algorithms.js';
import { buildTbs } from '../../pki/certificate/build-tbs.js';
import { decodeBasicConstraints, decodeKeyUsage, decodeSubjectAltNames, keyIdentifier, decodeSubjectKeyIdentifier } from '../../pki/certificate/extensions.js';
import { lintTbs } from '../../pki/certificate/lint-tbs.js';
import { findExtension, parseCertificate } from '../../pki/certificate/parse-certificate.js';
import { signCertificate } from '../../pki/certificate/sign-certificate.js';
import { bytesToHex } from '../../pki/der/writer.js';
import { formatName, type DistinguishedName } from '../../pki/names.js';
import { OID } from '../../pki/oids.js';
import { getProfile } from '../../pki/profiles/index.js';
import { keyMatches } from '../../pki/certificate/lint-tbs.js';
import type { ProfileId } from '../../pki/profiles/types.js';
import type { Signer } from '../../pki/signer.js';
import type { Queryable } from '../store/db.js';
import type { Store } from '../store/store.js';
import { CaError } from './ca-error.js';
import type { IssuanceDeps, IssuedCertificate, IssueRequest } from './issue-certificate.js';
import type { IssuerRegistry } from './issuer-registry.js';
import type { Kek } from './key-vault.js';
import { generateKey, softwareSigner } from './software-signer.js';

export interface HierarchyDeps {
  store: Pick<Store, 'db' | 'certificates' | 'caAudit' | 'caIssuers' | 'caKeys' | 'caServiceKeys'>;
  issuers: IssuerRegistry;
  issue: (req: IssueRequest) => Promise<IssuedCertificate>;
  kek: () => Kek;
  now: () => Date;
  randomBytes: IssuanceDeps['randomBytes'];
}

const DAY_MS = 86_400_000;

/** Encrypts and stores a private key; returns its id. */
export async function storeKey(deps: Pick<HierarchyDeps, 'store' | 'kek'>, id: string, key: KeyObject, tx?: Queryable): Promise<string> {
  const pkcs8 = key.export({ format: 'der', type: 'pkcs8' });
  const publicKey = softwareSigner(key).publicKey;
  try {
    await deps.store.caKeys.insert({ id, algorithm: key.asymmetricKeyType ?? 'unknown', publicKey, encrypted: deps.kek().encrypt(id, pkcs8), externalRef: null }, tx);
  } finally {
    pkcs8.fill(0);
  }
  return id;
}

const keyIdFor = (prefix: string, spki: Uint8Array): string => `${prefix}-${createHash('sha256').update(spki).digest('hex').slice(0, 16)}`;

export interface CreateRootInput {
  id: string;
  profile: ProfileId;
  subject: DistinguishedName;
  validityDays?: number;
  requestedBy: string;
  lab?: boolean;
}

/** A self-signed root: key generated, certificate linted and signed, all stored in one transaction. */
export async function createRoot(deps: HierarchyDeps, input: CreateRootInput): Promise<Uint8Array> {
  const profile = getProfile(input.profile);
  if (profile.kind !== 'root') throw new CaError('CA_PROFILE_MISMATCH', `${input.profile} is not a root profile`);
  if (await deps.store.caIssuers.get(input.id)) throw new CaError('CA_ISSUER_EXISTS', `a CA named ${input.id} exists`);
  const { privateKey, publicKey } = generateKey(profile.keys[0]!);
  const signer = softwareSigner(privateKey);
  const now = deps.now();
  const notBefore = new Date(Math.floor((now.getTime() - 60_000) / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + (input.validityDays ?? profile.defaultValidityDays) * DAY_MS);
  const serial = deps.randomBytes(16);
  serial[0] = ((serial[0] as number) & 0x3f) | 0x40;
  const lint = lintTbs(buildTbs({ profile, serial, subject: input.subject, publicKey, notBefore, notAfter, issuer: { self: true, signatureAlgorithm: signer.algorithm } }));
  if (!lint.ok) throw new CaError('CA_LINT_FAILED', `the ${input.profile} certificate fails its profile`, lint.findings);
  const tbs = lint.linted.peek();
  const der = await signCertificate(lint.linted, signer);
  const keyId = keyIdFor(input.id, publicKey);
  const subject = formatName(input.subject);
  await deps.store.db.withTransaction(async (tx) => {
    await storeKey(deps, keyId, privateKey, tx);
    await deps.store.caIssuers.insert(
      { id: input.id, profile: input.profile, parentId: null, certificate: der, subject, keyIdentifier: keyIdentifier(publicKey), keyId, ocspCertificate: null, ocspKeyId: null, imported: false, lab: input.lab ?? false, notBefore, notAfter },
      tx,
    );
    await deps.store.certificates.insertIssued(tx, { serial, issuerId: input.id, profile: input.profile, subject, identity: null, keySha256: new Uint8Array(createHash('sha256').update(publicKey).digest()), notBefore, notAfter, tbs, der, requestedBy: input.requestedBy });
    await deps.store.caAudit.append(tx, [{ at: now, actor: input.requestedBy, action: 'create-root', decision: 'issued', issuerId: input.id, serial: bytesToHex(serial), profile: input.profile, detail: { subject } }]);
  });
  return der;
}

export interface CreateSubCaInput {
  id: string;
  parentId: string;
  profile: ProfileId;
  subject: DistinguishedName;
  validityDays?: number;
  requestedBy: string;
  lab?: boolean;
}

/** A sub-CA: its key stored first, its certificate issued by the parent through the normal cycle. */
export async function createSubCa(deps: HierarchyDeps, input: CreateSubCaInput): Promise<IssuedCertificate> {
  const profile = getProfile(input.profile);
  if (profile.kind !== 'sub-ca') throw new CaError('CA_PROFILE_MISMATCH', `${input.profile} is not a sub-CA profile`);
  if (await deps.store.caIssuers.get(input.id)) throw new CaError('CA_ISSUER_EXISTS', `a CA named ${input.id} exists`);
  const { privateKey, publicKey } = generateKey(profile.keys[0]!);
  const keyId = await storeKey(deps, keyIdFor(input.id, publicKey), privateKey);
  const issued = await deps.issue({ issuerId: input.parentId, profile: input.profile, subject: input.subject, publicKey, ...(input.validityDays ? { validityDays: input.validityDays } : {}), identity: input.id, requestedBy: input.requestedBy });
  await deps.store.caIssuers.insert({
    id: input.id,
    profile: input.profile,
    parentId: input.parentId,
    certificate: issued.der,
    subject: formatName(input.subject),
    keyIdentifier: keyIdentifier(publicKey),
    keyId,
    ocspCertificate: null,
    ocspKeyId: null,
    imported: false,
    lab: input.lab ?? false,
    notBefore: issued.notBefore,
    notAfter: issued.notAfter,
  });
  return issued;
}

/**
 * Gives a CA a fresh delegated OCSP signer (RFC 6960 4.2.2.2) when it has none or when the current
 * one has less than a third of its life left. Returns true when it issued one.
 */
export async function ensureOcspSigner(deps: HierarchyDeps, issuerId: string, subject: DistinguishedName, requestedBy = 'system'): Promise<boolean> {
  const issuer = await deps.issuers.get(issuerId);
  if (issuer.row.ocspCertificate) {
    const cur = parseCertificate(issuer.row.ocspCertificate);
    const life = cur.notAfter.getTime() - cur.notBefore.getTime();
    if (cur.notAfter.getTime() - deps.now().getTime() > life / 3) return false;
  }
  const profile = getProfile('ocsp-signer');
  const { privateKey, publicKey } = generateKey(profile.keys[0]!);
  const keyId = await storeKey(deps, keyIdFor(`${issuerId}-ocsp`, publicKey), privateKey);
  const issued = await deps.issue({ issuerId, profile: 'ocsp-signer', subject, publicKey, identity: `${issuerId}:ocsp`, requestedBy });
  await deps.store.caIssuers.setOcspSigner(issuerId, issued.der, keyId);
  deps.issuers.invalidate(issuerId);
  return true;
}

/** Issues a leaf whose key the CSMS keeps (CPS signer, firmware signer, TLS server, lab samples). */
export async function issueServiceKey(deps: HierarchyDeps, purpose: string, req: Omit<IssueRequest, 'publicKey'>): Promise<IssuedCertificate> {
  const profile = getProfile(req.profile);
  const { privateKey, publicKey } = generateKey(profile.keys[0]!);
  const keyId = await storeKey(deps, keyIdFor(purpose.replace(/[^a-z0-9-]/g, '-'), publicKey), privateKey);
  const issued = await deps.issue({ ...req, publicKey });
  await deps.store.caServiceKeys.put({ purpose, serial: Buffer.from(issued.serial, 'hex'), keyId });
  return issued;
}

export interface ImportCaInput {
  id: string;
  profile: ProfileId;
  certificate: Uint8Array;
  /** Our parent CA, when the imported CA was issued by one we run; otherwise its chain is foreign. */
  parentId?: string | null;
  privateKey?: KeyObject;
  /** A key held elsewhere: its reference and the Signer that uses it. */
  external?: { ref: string; signer: Signer };
  requestedBy: string;
}

/** Brings in an existing root or sub-CA, checking that it is a CA of the profile and that the key matches. */
export async function importCa(deps: HierarchyDeps, input: ImportCaInput): Promise<void> {
  const profile = getProfile(input.profile);
  if (profile.kind === 'leaf') throw new CaError('CA_PROFILE_MISMATCH', `${input.profile} is not a CA profile`);
  if (await deps.store.caIssuers.get(input.id)) throw new CaError('CA_ISSUER_EXISTS', `a CA named ${input.id} exists`);
  let cert;
  try {
    cert = parseCertificate(input.certificate);
  } catch (err) {
    throw new CaError('CA_IMPORT_INVALID', `not a DER certificate: ${(err as Error).message}`);
  }
  const problems: { code: string; detail: string }[] = [];
  const bc = findExtension(cert.extensions, OID.basicConstraints);
  if (!bc || !decodeBasicConstraints(bc.value).ca) problems.push({ code: 'NOT_A_CA', detail: 'basicConstraints cA is not TRUE' });
  const ku = findExtension(cert.extensions, OID.keyUsage);
  if (!ku || !decodeKeyUsage(ku.value).has('keyCertSign')) problems.push({ code: 'KEY_USAGE', detail: 'keyUsage lacks keyCertSign' });
  const keyProblem = keyMatches(cert.spki, profile.keys);
  if (keyProblem) problems.push({ code: 'PUBLIC_KEY', detail: keyProblem });
  if (cert.notAfter <= deps.now()) problems.push({ code: 'EXPIRED', detail: `expired ${cert.notAfter.toISOString()}` });
  if (!input.privateKey === !input.external) problems.push({ code: 'KEY', detail: 'give exactly one of a private key or an external signer' });
  const signer = input.privateKey ? softwareSigner(input.privateKey) : input.external?.signer;
  if (signer) {
    // Proof of possession: the key signs, the certificate's public key verifies.
    const probe = deps.randomBytes(32);
    const sig = await signer.sign(probe);
    const hash = signer.algorithm === 'ecdsa-with-SHA384' ? 'sha384' : 'sha256';
    if (bytesToHex(signer.publicKey) !== bytesToHex(cert.spki) || !verifySignature({ algorithm: signer.algorithm, hash }, cert.spki, probe, sig)) problems.push({ code: 'KEY_MISMATCH', detail: 'the key does not belong to the certificate' });
  }
  const parentId: string | null = input.parentId ?? null;
  if (parentId) {
    const parent = await deps.issuers.get(parentId);
    if (bytesToHex(parent.certificate.subjectDer) !== bytesToHex(cert.issuerDer)) problems.push({ code: 'PARENT', detail: `the certificate was not issued by ${parentId}` });
    else if (!verifySignature(cert.outerSignatureAlgorithm, parent.certificate.spki, cert.tbs, cert.signature)) problems.push({ code: 'PARENT', detail: `the signature does not verify with ${parentId}'s key` });
  } else if (profile.kind === 'root' && !verifySignature(cert.outerSignatureAlgorithm, cert.spki, cert.tbs, cert.signature)) {
    problems.push({ code: 'SELF_SIGNATURE', detail: 'a root must be self-signed' });
  }
  if (describePublicKey(cert.spki).kind === 'other') problems.push({ code: 'PUBLIC_KEY', detail: 'unsupported key algorithm' });
  if (problems.length > 0) throw new CaError('CA_IMPORT_INVALID', `cannot import ${input.id}`, problems);
  const ski = findExtension(cert.extensions, OID.subjectKeyIdentifier);
  const keyIdBytes = ski ? decodeSubjectKeyIdentifier(ski.value) : keyIdentifier(cert.spki);
  const keyId = keyIdFor(input.id, cert.spki);
  await deps.store.db.withTransaction(async (tx) => {
    if (input.privateKey) await storeKey(deps, keyId, input.privateKey, tx);
    else await deps.store.caKeys.insert({ id: keyId, algorithm: signer?.algorithm ?? 'unknown', publicKey: cert.spki, encrypted: null, externalRef: input.external!.ref }, tx);
    await deps.store.caIssuers.insert(
      { id: input.id, profile: input.profile, parentId, certificate: input.certificate, subject: formatName(cert.subject), keyIdentifier: keyIdBytes, keyId, ocspCertificate: null, ocspKeyId: null, imported: true, lab: false, notBefore: cert.notBefore, notAfter: cert.notAfter },
      tx,
    );
    await deps.store.caAudit.append(tx, [{ at: deps.now(), actor: input.requestedBy, action: 'import-ca', decision: 'imported', issuerId: input.id, serial: bytesToHex(cert.serial), profile: input.profile, detail: { subject: formatName(cert.subject), parentId, external: input.external?.ref ?? null } }]);
  });
}

/**
 * Re-issues a service certificate (for example the 1-day TLS server certificate) with a fresh key
 * when less than a third of its life is left, keeping its issuer, profile, subject and names.
 * Returns true when it issued one.
 */
export async function renewServiceKey(deps: HierarchyDeps, purpose: string, requestedBy = 'system'): Promise<boolean> {
  const current = await deps.store.caServiceKeys.get(purpose);
  if (!current) return false;
  const row = await deps.store.certificates.get(current.serial);
  if (!row?.der) return false;
  const cert = parseCertificate(row.der);
  const life = cert.notAfter.getTime() - cert.notBefore.getTime();
  if (cert.notAfter.getTime() - deps.now().getTime() > life / 3 && !row.revokedAt) return false;
  const subject: DistinguishedName = cert.subject.flatMap((a) => (a.type ? [{ type: a.type, value: a.value }] : []));
  const san = findExtension(cert.extensions, OID.subjectAltName);
  const altNames = san ? decodeSubjectAltNames(san.value) : undefined;
  await issueServiceKey(deps, purpose, { issuerId: row.issuerId, profile: row.profile as ProfileId, subject, identity: row.identity, requestedBy, ...(altNames ? { altNames } : {}) });
  return true;
}
