// The EV's side of ISO 15118-2 contract installation, for tests: build and sign a
// CertificateInstallationReq / CertificateUpdateReq with the EV's key, and take a
// CertificateInstallationRes / CertificateUpdateRes apart the way an EV does: decode, recompute
// the four digests, verify the signature with the CPS leaf, validate the CPS chain to the V2G
// root, decrypt the contract key and prove it belongs to the contract certificate. Signing and
// checking here use node:crypto directly, not the production signature module.
import assert from 'node:assert/strict';
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import {
  decodeV2gMessage,
  encodeElementFragment,
  encodeSignedInfoFragment,
  encodeV2gMessage,
  type CertificateChain,
  type DigestedElement,
  type IssuerSerial,
  type ResponseCode,
  type SignedInfo,
} from '../../pki/exi/index.js';
import { parseCertificate } from '../../pki/certificate/parse-certificate.js';
import { unwrapContractKey } from '../../pki/iso15118-key-wrap.js';
import { validatePath } from '../../pki/path/validate-path.js';

const C14N = 'http://www.w3.org/TR/canonical-exi/';
const SIG = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';
const DIGEST = 'http://www.w3.org/2001/04/xmlenc#sha256';

export interface EvRequestOptions {
  rootCertificateIds: readonly IssuerSerial[];
  sessionId?: Uint8Array;
  /** The key that signs; null sends the request unsigned. */
  signWith: KeyObject | null;
  /** Changes the body after signing (a broken digest). */
  tamper?: boolean;
}

function signedInfoFor(element: DigestedElement, id: string): SignedInfo {
  const digestValue = new Uint8Array(createHash('sha256').update(encodeElementFragment(element)).digest());
  return { canonicalizationMethod: C14N, signatureMethod: SIG, references: [{ uri: `#${id}`, transforms: [C14N], digestMethod: DIGEST, digestValue }] };
}

function signed(element: DigestedElement, id: string, key: KeyObject | null): { signedInfo: SignedInfo; signatureValue: Uint8Array } | undefined {
  if (!key) return undefined;
  const signedInfo = signedInfoFor(element, id);
  return { signedInfo, signatureValue: new Uint8Array(sign('sha256', encodeSignedInfoFragment(signedInfo), { key, dsaEncoding: 'ieee-p1363' })) };
}

/** CertificateInstallationReq carrying `oemCertificate`, signed with `opts.signWith`. */
export function buildInstallationRequest(oemCertificate: Uint8Array, opts: EvRequestOptions): Uint8Array {
  const body = { kind: 'CertificateInstallationReq' as const, id: 'id1', oemProvisioningCertificate: oemCertificate, rootCertificateIds: opts.rootCertificateIds };
  const signature = signed({ name: 'CertificateInstallationReq', value: body }, body.id, opts.signWith);
  const sent = opts.tamper ? { ...body, rootCertificateIds: [...body.rootCertificateIds, { issuerName: 'CN=Injected', serialNumber: 1n }] } : body;
  return encodeV2gMessage({ header: { sessionId: opts.sessionId ?? Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), ...(signature ? { signature } : {}) }, body: sent });
}

/** CertificateUpdateReq for the contract the EV holds, signed with that contract's key. */
export function buildUpdateRequest(contractChain: CertificateChain, emaid: string, opts: EvRequestOptions): Uint8Array {
  const body = { kind: 'CertificateUpdateReq' as const, id: 'id1', contractCertificateChain: contractChain, emaid, rootCertificateIds: opts.rootCertificateIds };
  const signature = signed({ name: 'CertificateUpdateReq', value: body }, body.id, opts.signWith);
  return encodeV2gMessage({ header: { sessionId: opts.sessionId ?? Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), ...(signature ? { signature } : {}) }, body });
}

/** A root certificate ID as an EV lists it: RFC 4514 issuer name (most significant last), plain serial. */
export function rootIdOf(rootDer: Uint8Array): IssuerSerial {
  const cert = parseCertificate(rootDer);
  const name = [...cert.subject].reverse().map((a) => `${a.type ?? a.oid}=${a.value.replace(/([,+"\\<>;])/g, '\\$1')}`).join(',');
  return { issuerName: name, serialNumber: cert.serialNumber };
}

export interface OpenedResponse {
  responseCode: ResponseCode;
  sessionId: Uint8Array;
  emaid: string;
  contractCertificate: Uint8Array;
  contractSubCertificates: readonly Uint8Array[];
  cpsCertificate: Uint8Array;
  cpsSubCertificates: readonly Uint8Array[];
  /** The decrypted contract key; its public half is the contract certificate's key. */
  contractKey: KeyObject;
}

/** Only the ResponseCode and kind (a failure carries no usable contract data). */
export function responseCodeOf(exi: Uint8Array): { kind: string; responseCode: ResponseCode; signed: boolean } {
  const message = decodeV2gMessage(exi);
  const body = message.body;
  assert.ok(body.kind === 'CertificateInstallationRes' || body.kind === 'CertificateUpdateRes', `a response, not ${body.kind}`);
  return { kind: body.kind, responseCode: body.responseCode, signed: message.header.signature !== undefined };
}

/**
 * Everything an EV checks, as assertions. `evKey` is the key the contract key was encrypted for
 * (the OEM provisioning key, or the old contract key of an update); `v2gRoot` anchors the CPS chain.
 */
export async function openResponse(exi: Uint8Array, opts: { evKey: KeyObject; v2gRoot: Uint8Array; at: Date }): Promise<OpenedResponse> {
  const message = decodeV2gMessage(exi);
  const body = message.body;
  assert.ok(body.kind === 'CertificateInstallationRes' || body.kind === 'CertificateUpdateRes', `a response, not ${body.kind}`);
  assert.equal(body.responseCode, 'OK');
  // 1. the four references, each the SHA-256 of its element's EXI fragment.
  const signature = message.header.signature;
  assert.ok(signature, 'the response is signed');
  assert.equal(signature.signedInfo.canonicalizationMethod, C14N);
  assert.equal(signature.signedInfo.signatureMethod, SIG);
  const elements: [string | undefined, DigestedElement][] = [
    [body.contractCertificateChain.id, { name: 'ContractSignatureCertChain', value: body.contractCertificateChain }],
    [body.encryptedPrivateKey.id, { name: 'ContractSignatureEncryptedPrivateKey', value: body.encryptedPrivateKey }],
    [body.dhPublicKey.id, { name: 'DHpublickey', value: body.dhPublicKey }],
    [body.emaid.id, { name: 'eMAID', value: body.emaid }],
  ];
  assert.equal(signature.signedInfo.references.length, 4, 'four references');
  for (const [id, element] of elements) {
    const ref: SignedInfo['references'][number] | undefined = signature.signedInfo.references.find((r) => r.uri === `#${id ?? ''}`);
    assert.ok(ref, `a reference to ${element.name}`);
    assert.equal(ref.digestMethod, DIGEST);
    assert.equal(Buffer.from(ref.digestValue).toString('hex'), createHash('sha256').update(encodeElementFragment(element)).digest('hex'), `digest of ${element.name}`);
  }
  // 2. the signature over SignedInfo, with the CPS leaf's key.
  const cpsKey = createPublicKey({ key: Buffer.from(parseCertificate(body.provisioningCertificateChain.certificate).spki), format: 'der', type: 'spki' });
  assert.ok(verify('sha256', encodeSignedInfoFragment(signature.signedInfo), { key: cpsKey, dsaEncoding: 'ieee-p1363' }, signature.signatureValue), 'the CPS signature verifies');
  // 3. the CPS chain to the V2G root.
  const cpsSubs = body.provisioningCertificateChain.subCertificates ?? [];
  const path = await validatePath({ chain: [body.provisioningCertificateChain.certificate, ...cpsSubs], anchors: [opts.v2gRoot], at: opts.at, revocation: 'off' });
  assert.ok(path.ok, `the CPS chain is valid: ${path.ok ? '' : `${path.code} ${path.detail}`}`);
  // 4. the contract key: it decrypts, and it is the contract certificate's key.
  const contractKey = unwrapContractKey({ encryptedPrivateKey: body.encryptedPrivateKey.value, dhPublicKey: body.dhPublicKey.value }, opts.evKey);
  const certKey = createPublicKey({ key: Buffer.from(parseCertificate(body.contractCertificateChain.certificate).spki), format: 'der', type: 'spki' });
  assert.deepEqual(createPublicKey(contractKey).export({ format: 'jwk' }), certKey.export({ format: 'jwk' }), 'the decrypted key belongs to the contract certificate');
  const proof = sign('sha256', Buffer.from('proof of possession'), contractKey);
  assert.ok(verify('sha256', Buffer.from('proof of possession'), certKey, proof));
  return {
    responseCode: body.responseCode,
    sessionId: message.header.sessionId,
    emaid: body.emaid.value,
    contractCertificate: body.contractCertificateChain.certificate,
    contractSubCertificates: body.contractCertificateChain.subCertificates ?? [],
    cpsCertificate: body.provisioningCertificateChain.certificate,
    cpsSubCertificates: cpsSubs,
    contractKey,
  };
}
