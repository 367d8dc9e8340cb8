// Builds PKCS#10 requests (RFC 2986) at test time with node:crypto keys and our DER writer, so that
// a test can break exactly one thing: the signature, the key, the version, a subject value, an
// extension. Test keys only; they live for one process.
import { ECDH, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { signatureAlgorithmId } from '../../pki/algorithms.js';
import { bitString, boolean, compareBytes, implicitConstructed, integer, namedBits, nullValue, octetString, oid, seq, setOf, tlv, TAG } from '../../pki/der/writer.js';
import type { NameAttributeType } from '../../pki/names.js';
import { OID } from '../../pki/oids.js';
import { KEY_USAGE_BITS, type KeyUsageName } from '../../pki/profiles/types.js';

export type TestKeyKind = 'p256' | 'p384' | 'p192' | 'secp256k1' | 'rsa2048' | 'rsa1024' | 'rsa2048-e3' | 'ed25519';

export interface TestKey {
  kind: TestKeyKind;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** SubjectPublicKeyInfo DER. */
  spki: Uint8Array;
}

const keys = new Map<TestKeyKind, TestKey>();

/** One key per kind per process (RSA generation is the slow part of these tests). */
export function testKey(kind: TestKeyKind): TestKey {
  let key = keys.get(kind);
  if (!key) {
    key = { kind, ...generate(kind), spki: new Uint8Array() };
    key.spki = new Uint8Array(key.publicKey.export({ format: 'der', type: 'spki' }));
    keys.set(kind, key);
  }
  return key;
}

/** A fresh key, for cases that need a second key of a kind (a signature by someone else). */
export function freshKey(kind: TestKeyKind): TestKey {
  const pair = generate(kind);
  return { kind, ...pair, spki: new Uint8Array(pair.publicKey.export({ format: 'der', type: 'spki' })) };
}

function generate(kind: TestKeyKind): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (kind) {
    case 'p256':
      return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    case 'p384':
      return generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    case 'p192':
      return generateKeyPairSync('ec', { namedCurve: 'prime192v1' });
    case 'secp256k1':
      return generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    case 'rsa2048':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'rsa1024':
      return generateKeyPairSync('rsa', { modulusLength: 1024 });
    case 'rsa2048-e3':
      return generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 3 });
    case 'ed25519':
      return generateKeyPairSync('ed25519');
  }
}

/** A subject attribute: a named type, or a raw OID; `tag` overrides the string type. */
export type SubjectEntry = { type: NameAttributeType; value: string; tag?: number } | { oid: string; value: string; tag?: number };

const TYPE_OIDS: Record<NameAttributeType, string> = { CN: OID.commonName, O: OID.organizationName, OU: OID.organizationalUnitName, C: OID.countryName, DC: OID.domainComponent };
const utf8 = new TextEncoder();

/** Name DER, one attribute per RDN, in the order given. */
export function encodeSubject(entries: readonly SubjectEntry[]): Uint8Array {
  return seq(
    ...entries.map((e) => {
      const type = 'type' in e ? e.type : null;
      const tag = e.tag ?? (type === 'C' ? TAG.PRINTABLE_STRING : type === 'DC' ? TAG.IA5_STRING : TAG.UTF8_STRING);
      return setOf(seq(oid(type ? TYPE_OIDS[type] : (e as { oid: string }).oid), tlv(tag, utf8.encode(e.value))));
    }),
  );
}

export interface ExtensionSpec {
  oid: string;
  critical?: boolean;
  value: Uint8Array;
}

/** Extension DER; `raw` bytes pass through for deliberately broken ones. */
export function encodeExtension(e: ExtensionSpec | { raw: Uint8Array }): Uint8Array {
  if ('raw' in e) return e.raw;
  return e.critical ? seq(oid(e.oid), boolean(true), octetString(e.value)) : seq(oid(e.oid), octetString(e.value));
}

/** Extension values for requests. */
export const extensionValue = {
  basicConstraints: (ca: boolean, pathLen?: number): Uint8Array => seq(...(ca ? [boolean(true)] : []), ...(pathLen === undefined ? [] : [integer(pathLen)])),
  keyUsage: (...usages: KeyUsageName[]): Uint8Array => namedBits(usages.map((u) => KEY_USAGE_BITS[u])),
  extKeyUsage: (...purposes: string[]): Uint8Array => seq(...purposes.map((p) => oid(p))),
  subjectAltNameDns: (name: string): Uint8Array => seq(tlv(0x82, utf8.encode(name))),
};

/** Attribute ::= SEQUENCE { type, SET OF value } */
export const encodeAttribute = (type: string, ...values: Uint8Array[]): Uint8Array => seq(oid(type), setOf(...values));

export interface CsrSpec {
  key?: TestKeyKind;
  /** Sign with this key instead (a request signed by someone else's key). */
  signWith?: TestKey;
  version?: number;
  subject?: readonly SubjectEntry[];
  /** Raw subject DER, for names our encoder would not write. */
  subjectDer?: Uint8Array;
  /** Replaces the SubjectPublicKeyInfo (the request is still signed with `key`). */
  spki?: Uint8Array;
  extensions?: readonly (ExtensionSpec | { raw: Uint8Array })[];
  /** Further Attribute DERs after the extensionRequest. */
  attributes?: readonly Uint8Array[];
  /** AlgorithmIdentifier DER and the digest to sign with, when not the key's default. */
  signatureAlgorithm?: { id: Uint8Array; hash: string | null };
  /** Edit the four CertificationRequestInfo fields before signing. */
  infoFields?: (fields: Uint8Array[]) => Uint8Array[];
  /** Flip a bit of the signature after signing. */
  breakSignature?: boolean;
}

export const DEFAULT_SUBJECT: readonly SubjectEntry[] = [
  { type: 'CN', value: 'CS-0001' },
  { type: 'O', value: 'Example CPO' },
];

/** The three parts of a request: CertificationRequestInfo, AlgorithmIdentifier, signature octets. */
export function buildCsrParts(spec: CsrSpec = {}): { info: Uint8Array; algorithm: Uint8Array; signature: Uint8Array } {
  const key = testKey(spec.key ?? 'p256');
  const attributes: Uint8Array[] = [];
  if (spec.extensions) attributes.push(encodeAttribute(OID.extensionRequest, seq(...spec.extensions.map(encodeExtension))));
  attributes.push(...(spec.attributes ?? []));
  // attributes [0] IMPLICIT SET OF Attribute, in DER SET OF order (X.690 11.6).
  let fields = [integer(spec.version ?? 0), spec.subjectDer ?? encodeSubject(spec.subject ?? DEFAULT_SUBJECT), spec.spki ?? key.spki, implicitConstructed(0, ...[...attributes].sort(compareBytes))];
  if (spec.infoFields) fields = spec.infoFields(fields);
  const info = seq(...fields);
  const signer = spec.signWith ?? key;
  const { id, hash } = spec.signatureAlgorithm ?? defaultAlgorithm(signer.kind);
  const signature = new Uint8Array(sign(hash, info, { key: signer.privateKey, dsaEncoding: 'der' }));
  if (spec.breakSignature) signature[signature.length - 1] = (signature[signature.length - 1] as number) ^ 0x01;
  return { info, algorithm: id, signature };
}

/** CertificationRequest DER. */
export function buildCsr(spec: CsrSpec = {}): Uint8Array {
  const { info, algorithm, signature } = buildCsrParts(spec);
  return seq(info, algorithm, bitString(signature));
}

function defaultAlgorithm(kind: TestKeyKind): { id: Uint8Array; hash: string | null } {
  if (kind === 'ed25519') return { id: seq(oid('1.3.101.112')), hash: null };
  if (kind.startsWith('rsa')) return { id: signatureAlgorithmId('sha256WithRSAEncryption'), hash: 'sha256' };
  if (kind === 'p384') return { id: signatureAlgorithmId('ecdsa-with-SHA384'), hash: 'sha384' };
  return { id: signatureAlgorithmId('ecdsa-with-SHA256'), hash: 'sha256' };
}

/** An EC SubjectPublicKeyInfo from parts: curve OID (or other parameters DER) and point. */
export function ecSpki(curve: string | Uint8Array, point: Uint8Array): Uint8Array {
  return seq(seq(oid(OID.ecPublicKey), typeof curve === 'string' ? oid(curve) : curve), bitString(point));
}

/** The uncompressed point of a P-256 test key. */
export function ecPoint(key: TestKey): Uint8Array {
  return key.spki.subarray(key.spki.length - 65);
}

/** The same P-256 point in compressed form (SEC 1 2.3.3). */
export function compressedP256(key: TestKey): Uint8Array {
  return new Uint8Array(ECDH.convertKey(Buffer.from(ecPoint(key)), 'prime256v1', undefined, undefined, 'compressed') as Buffer);
}

/** An RSA SubjectPublicKeyInfo from modulus and exponent content octets. */
export function rsaSpki(modulus: Uint8Array, exponent: bigint): Uint8Array {
  return seq(seq(oid(OID.rsaEncryption), nullValue()), bitString(seq(tlv(TAG.INTEGER, modulus), integer(exponent))));
}

/** PEM with 64-character lines (RFC 7468). */
export function toPem(der: Uint8Array, label = 'CERTIFICATE REQUEST', eol = '\n'): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----${eol}${lines.join(eol)}${eol}-----END ${label}-----${eol}`;
}
