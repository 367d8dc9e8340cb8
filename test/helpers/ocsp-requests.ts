// OCSP requests for tests: our own DER writer for exact shapes (and deliberately bad ones), and
// pkijs as an independent encoder of the ordinary ones.
import { webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { CERT_ID_HASH_OIDS, encodeCertId, issuerHashes, type CertIdHash } from '../../pki/ocsp/cert-id.js';
import { boolean, explicit, integerBytes, octetString, oid, seq, tlv } from '../../pki/der/writer.js';
import { OID } from '../../pki/oids.js';

pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto }));

/** A CertID for `serial` under the issuer certificate, hashAlgorithm parameters NULL or absent. */
export function certIdFor(issuerDer: Uint8Array, serial: Uint8Array, alg: CertIdHash = 'sha1', params: 'null' | 'absent' = 'null'): Uint8Array {
  const h = issuerHashes(issuerDer, alg);
  if (params === 'null') return encodeCertId({ hashAlgorithm: alg, ...h, serialNumber: serial });
  return seq(seq(oid(CERT_ID_HASH_OIDS[alg])), octetString(h.issuerNameHash), octetString(h.issuerKeyHash), integerBytes(serial));
}

export const extension = (id: string, value: Uint8Array, critical = false): Uint8Array => (critical ? seq(oid(id), boolean(true), octetString(value)) : seq(oid(id), octetString(value)));
export const nonceExtension = (nonce: Uint8Array): Uint8Array => extension(OID.ocspNonce, octetString(nonce));

export interface RequestShape {
  /** Raw Request entries; default one per CertID. */
  certIds: Uint8Array[];
  nonce?: Uint8Array;
  /** Extra requestExtensions (after the nonce). */
  extensions?: Uint8Array[];
  version?: number;
  requestorName?: boolean;
  signature?: boolean;
  singleExtensions?: Uint8Array[];
}

/** OCSPRequest DER from its parts (RFC 6960 4.1.1). */
export function buildRequest(shape: RequestShape): Uint8Array {
  const tbs: Uint8Array[] = [];
  if (shape.version !== undefined) tbs.push(explicit(0, integerBytes(Uint8Array.of(shape.version))));
  // requestorName [1] EXPLICIT GeneralName: a dNSName [2] IMPLICIT IA5String.
  if (shape.requestorName) tbs.push(explicit(1, tlv(0x82, new TextEncoder().encode('client.example'))));
  tbs.push(seq(...shape.certIds.map((c) => (shape.singleExtensions ? seq(c, explicit(0, seq(...shape.singleExtensions))) : seq(c)))));
  const exts = [...(shape.nonce ? [nonceExtension(shape.nonce)] : []), ...(shape.extensions ?? [])];
  if (exts.length) tbs.push(explicit(2, seq(...exts)));
  const top = [seq(...tbs)];
  // optionalSignature [0] EXPLICIT Signature { signatureAlgorithm, signature } (content not checked by us).
  if (shape.signature) top.push(explicit(0, seq(seq(oid(OID.ecdsaWithSHA256)), tlv(0x03, Uint8Array.of(0, 1, 2, 3)))));
  return seq(...top);
}

/** The request `openssl ocsp -no_nonce` sends for one certificate. */
export const simpleRequest = (issuerDer: Uint8Array, serial: Uint8Array, alg: CertIdHash = 'sha1'): Uint8Array => buildRequest({ certIds: [certIdFor(issuerDer, serial, alg)] });

/** The same request built by pkijs (an encoder that is not ours). */
export async function pkijsRequest(leafDer: Uint8Array, issuerDer: Uint8Array, alg: 'SHA-1' | 'SHA-256', nonce?: Uint8Array): Promise<Uint8Array> {
  const req = new pkijs.OCSPRequest();
  await req.createForCertificate(pkijs.Certificate.fromBER(leafDer), { hashAlgorithm: alg, issuerCertificate: pkijs.Certificate.fromBER(issuerDer) });
  if (nonce) {
    req.tbsRequest.requestExtensions = [new pkijs.Extension({ extnID: OID.ocspNonce, extnValue: new asn1js.OctetString({ valueHex: nonce }).toBER() })];
  }
  return new Uint8Array(req.toSchema(true).toBER());
}

/** Reads an OCSPResponse with pkijs (an independent decoder): status, and per SingleResponse its status tag. */
export function pkijsReadResponse(der: Uint8Array): { status: number; singles: { serialHex: string; statusTag: number }[]; nonceHex: string | null } {
  const resp = pkijs.OCSPResponse.fromBER(der);
  const status = resp.responseStatus.valueBlock.valueDec;
  if (!resp.responseBytes) return { status, singles: [], nonceHex: null };
  const basic = pkijs.BasicOCSPResponse.fromBER(resp.responseBytes.response.valueBlock.valueHexView);
  const singles = basic.tbsResponseData.responses.map((r) => ({
    serialHex: Buffer.from(r.certID.serialNumber.valueBlock.valueHexView).toString('hex'),
    statusTag: (r.certStatus as { idBlock: { tagNumber: number } }).idBlock.tagNumber,
  }));
  const nonceExt = basic.tbsResponseData.responseExtensions?.find((e) => e.extnID === OID.ocspNonce);
  const nonceHex = nonceExt ? Buffer.from((asn1js.fromBER(nonceExt.extnValue.valueBlock.valueHexView).result as asn1js.OctetString).valueBlock.valueHexView).toString('hex') : null;
  return { status, singles, nonceHex };
}

