// An externally issued contract certificate, as an eMSP uploads it: the certificate must be a
// contract certificate (ISO 15118-2 Annex F Table F.4), chain to one of the configured MO roots
// (RFC 5280 6.1 path validation, pki/path), and the private key must be its key. Nothing here
// touches storage: the service stores what this returns.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { describePublicKey } from '../../pki/algorithms.js';
import { decodeBasicConstraints, decodeKeyUsage } from '../../pki/certificate/extensions.js';
import { findExtension, parseCertificate, type ParsedCertificate } from '../../pki/certificate/parse-certificate.js';
import { bytesToHex } from '../../pki/der/writer.js';
import { parseEmaid } from '../../pki/emaid.js';
import { nameValue } from '../../pki/names.js';
import { OID } from '../../pki/oids.js';
import { validatePath } from '../../pki/path/validate-path.js';
import { ContractError } from './contract-error.js';

export interface UploadedContract {
  certificate: Uint8Array;
  /** The certificate's sub-CAs, its issuer first; the MO root may end the list. */
  chain: readonly Uint8Array[];
  /** PKCS#8 DER. */
  privateKey: Uint8Array;
  /** When given, must equal the certificate's CN (both normalized). */
  emaid?: string | undefined;
}

export interface CheckedContract {
  emaid: string;
  certificate: ParsedCertificate;
  /** Sub-CAs, issuer first, without the MO root. */
  chain: Uint8Array[];
  moRoot: Uint8Array;
  key: KeyObject;
}

/** ISO 15118-2 Annex F Table F.4: the key usages a contract certificate needs for Plug & Charge. */
const REQUIRED_KEY_USAGE = ['digitalSignature', 'keyAgreement'] as const;

function readCertificate(der: Uint8Array, what: string): ParsedCertificate {
  try {
    return parseCertificate(der);
  } catch (err) {
    throw new ContractError('CONTRACT_CERTIFICATE_INVALID', `the ${what} is not a DER X.509 certificate: ${(err as Error).message}`);
  }
}

function readKey(pkcs8: Uint8Array): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  } catch {
    throw new ContractError('CONTRACT_KEY_INVALID', 'the private key is not a PKCS#8 private key');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new ContractError('CONTRACT_KEY_INVALID', 'a contract key is an EC key on P-256 (ISO 15118-2 [V2G2-006])');
  return key;
}

/** Table F.4 checks on the leaf itself; returns the normalized eMAID of its CN. */
function checkProfile(cert: ParsedCertificate): string {
  const defects: { code: string; detail: string }[] = [];
  const cn = nameValue(cert.subject, 'CN');
  const parsed = cn === undefined ? null : parseEmaid(cn);
  if (!parsed?.ok) defects.push({ code: 'SUBJECT_CN', detail: cn === undefined ? 'the subject has no CN (the eMAID, [V2G2-108])' : `the CN ${JSON.stringify(cn)} is not an eMAID: ${parsed && !parsed.ok ? parsed.detail : ''}` });
  const key = describePublicKey(cert.spki);
  if (key.kind !== 'ec' || key.curve !== 'P-256') defects.push({ code: 'PUBLIC_KEY', detail: 'the public key is not EC P-256 ([V2G2-006])' });
  const bc = findExtension(cert.extensions, OID.basicConstraints);
  if (bc && decodeBasicConstraints(bc.value).ca) defects.push({ code: 'BASIC_CONSTRAINTS', detail: 'a contract certificate is not a CA (Table F.4: cA false)' });
  const ku = findExtension(cert.extensions, OID.keyUsage);
  const usages = ku ? decodeKeyUsage(ku.value) : new Set<string>();
  for (const u of REQUIRED_KEY_USAGE) if (!usages.has(u)) defects.push({ code: 'KEY_USAGE', detail: `keyUsage lacks ${u} (Table F.4)` });
  if (cert.version !== 3) defects.push({ code: 'VERSION', detail: 'not an X.509 v3 certificate' });
  if (defects.length > 0 || !parsed?.ok) throw new ContractError('CONTRACT_CERTIFICATE_INVALID', 'the certificate is not a contract certificate (ISO 15118-2 Annex F Table F.4)', defects);
  return parsed.emaid.normalized;
}

export async function checkUploadedContract(input: UploadedContract, moRoots: readonly Uint8Array[], at: Date): Promise<CheckedContract> {
  // Step 1: everything is readable.
  const cert = readCertificate(input.certificate, 'certificate');
  input.chain.forEach((c, i) => readCertificate(c, `chain certificate ${i + 1}`));
  const key = readKey(input.privateKey);

  // Step 2: it is a contract certificate for the eMAID asked for.
  const emaid = checkProfile(cert);
  if (input.emaid !== undefined) {
    const asked = parseEmaid(input.emaid);
    if (!asked.ok) throw new ContractError('CONTRACT_EMAID_INVALID', asked.detail, [{ code: asked.defect, detail: asked.detail }]);
    if (asked.emaid.normalized !== emaid) throw new ContractError('CONTRACT_EMAID_MISMATCH', `the certificate is for ${emaid}, not ${asked.emaid.normalized}`);
  }

  // Step 3: the key is the certificate's.
  const publicKey = new Uint8Array(createPublicKey(key).export({ format: 'der', type: 'spki' }));
  if (bytesToHex(publicKey) !== bytesToHex(cert.spki)) throw new ContractError('CONTRACT_KEY_MISMATCH', 'the private key does not belong to the certificate');

  // Step 4: RFC 5280 path to a configured MO root, at this time; revocation when CRLs are at hand
  // is the EV's and the CPS's business, not ours at upload.
  if (moRoots.length === 0) throw new ContractError('CONTRACT_CHAIN_UNTRUSTED', 'no MO root is configured: nothing to validate the chain against');
  const result = await validatePath({ chain: [input.certificate, ...input.chain], anchors: moRoots, at, revocation: 'off', requiredLeafKeyUsage: [...REQUIRED_KEY_USAGE] });
  if (!result.ok) {
    const detail = `${result.code} at ${result.index === 0 ? 'the contract certificate' : `chain certificate ${result.index}`}: ${result.detail}`;
    throw new ContractError('CONTRACT_CHAIN_UNTRUSTED', `the chain does not validate against the configured MO roots (RFC 5280 6.1): ${detail}`, [{ code: result.code, detail }]);
  }
  const moRoot = moRoots.find((r) => bytesToHex(r) === bytesToHex(result.anchor.der)) ?? result.anchor.der;
  // The validated path without its leaf: the sub-CAs the EV receives (ISO 15118-2 ContractSignatureCertChain.SubCertificates).
  const chain = result.path.slice(1).map((c) => c.der);
  return { emaid, certificate: cert, chain, moRoot, key };
}
