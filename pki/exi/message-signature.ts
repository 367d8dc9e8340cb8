// XML signatures of ISO 15118-2 certificate messages ([V2G2-771]): one
// Reference per signed element, each the SHA-256 of the element's EXI fragment, canonicalization
// and transform canonical-exi, ecdsa-sha256 over the EXI fragment of SignedInfo, SignatureValue the
// raw r || s. Signing goes through the Signer port (which returns DER Ecdsa-Sig-Value); verifying
// takes the signer's public key.
import { createHash, verify, type KeyObject } from 'node:crypto';
import type { Signer } from '../signer.js';
import { encodeElementFragment, encodeSignedInfoFragment, type DigestedElement } from './fragments.js';
import type { SignedInfo, XmlSignature } from './types.js';

export const CANONICAL_EXI = 'http://www.w3.org/TR/canonical-exi/';
export const ECDSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';
export const DIGEST_SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

/** Why a message signature does not hold. */
export type SignatureProblem =
  | 'UNSIGNED' // the header carries no Signature
  | 'ALGORITHM' // canonicalization, signature, transform or digest method other than ISO 15118-2's
  | 'REFERENCES' // the references do not cover exactly the elements that must be signed
  | 'DIGEST' // an element's fragment does not hash to its DigestValue
  | 'SIGNATURE'; // SignatureValue does not verify under the signer's key

const idOf = (element: DigestedElement): string | undefined => (element.value as { id?: string }).id;
const sha256 = (bytes: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(bytes).digest());

/** SignedInfo referencing each element by its Id, in the given order. */
export function buildSignedInfo(elements: readonly DigestedElement[]): SignedInfo {
  return {
    canonicalizationMethod: CANONICAL_EXI,
    signatureMethod: ECDSA_SHA256,
    references: elements.map((element) => {
      const id = idOf(element);
      if (!id) throw new TypeError(`${element.name} needs an Id to be signed`);
      return { uri: `#${id}`, transforms: [CANONICAL_EXI], digestMethod: DIGEST_SHA256, digestValue: sha256(encodeElementFragment(element)) };
    }),
  };
}

export async function signElements(elements: readonly DigestedElement[], signer: Signer): Promise<XmlSignature> {
  const signedInfo = buildSignedInfo(elements);
  const der = await signer.sign(encodeSignedInfoFragment(signedInfo));
  return { signedInfo, signatureValue: ecdsaDerToRaw(der) };
}

/** Checks the signature of a decoded message over exactly `elements`; null when it holds. */
export function checkElementsSignature(signature: XmlSignature | undefined, elements: readonly DigestedElement[], publicKey: KeyObject): SignatureProblem | null {
  if (!signature) return 'UNSIGNED';
  const info = signature.signedInfo;
  if (info.canonicalizationMethod !== CANONICAL_EXI || info.signatureMethod !== ECDSA_SHA256) return 'ALGORITHM';
  if (info.references.length !== elements.length) return 'REFERENCES';
  for (const element of elements) {
    const id = idOf(element);
    const refs = info.references.filter((r) => id !== undefined && r.uri === `#${id}`);
    const ref = refs[0];
    if (!ref || refs.length !== 1) return 'REFERENCES';
    if (ref.digestMethod !== DIGEST_SHA256 || (ref.transforms ?? [CANONICAL_EXI]).some((t) => t !== CANONICAL_EXI)) return 'ALGORITHM';
    if (!bytesEqual(ref.digestValue, sha256(encodeElementFragment(element)))) return 'DIGEST';
  }
  if (signature.signatureValue.length !== 64) return 'SIGNATURE';
  try {
    return verify('sha256', encodeSignedInfoFragment(info), { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature.signatureValue) ? null : 'SIGNATURE';
  } catch {
    return 'SIGNATURE';
  }
}

/** DER Ecdsa-Sig-Value (RFC 3279 2.2.3) to the 64-octet r || s of P-256. */
export function ecdsaDerToRaw(der: Uint8Array): Uint8Array {
  const fail = (): never => {
    throw new TypeError('not a P-256 DER ECDSA signature');
  };
  if (der[0] !== 0x30 || der[1] === undefined || der[1] + 2 !== der.length) fail();
  const out = new Uint8Array(64);
  let at = 2;
  for (const slot of [0, 32]) {
    if (der[at] !== 0x02) fail();
    const len = der[at + 1] ?? fail();
    let value = der.subarray(at + 2, at + 2 + len);
    if (value.length !== len) fail();
    while (value.length > 32 && value[0] === 0) value = value.subarray(1);
    if (value.length > 32) fail();
    out.set(value, slot + 32 - value.length);
    at += 2 + len;
  }
  if (at !== der.length) fail();
  return out;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
