// The ISO 15118-2 certificate installation vectors from an independent implementation
// (/work/shared/vectors/iso15118-2, provenance in its README), and their decoded JSON mapped onto
// our typed messages so a test can compare field by field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESPONSE_CODES, type CertificateChain, type V2gMessage } from '../../pki/exi/index.js';

export const VECTOR_DIR = process.env['ISO15118_VECTOR_DIR'] ?? '/work/shared/vectors/iso15118-2';

export interface Vector {
  readonly exi: Uint8Array;
  readonly json: unknown;
}

export function loadVector(name: 'certificate-installation-req' | 'certificate-installation-res'): Vector {
  const exi = Buffer.from(readFileSync(join(VECTOR_DIR, `${name}.b64`), 'utf8').trim(), 'base64');
  const json: unknown = JSON.parse(readFileSync(join(VECTOR_DIR, `${name}.decoded.json`), 'utf8'));
  return { exi: new Uint8Array(exi), json };
}

export const loadPem = (name: string): string => readFileSync(join(VECTOR_DIR, 'pki', name), 'utf8');

// The vectors' X509SerialNumber is not the certificate serial as a plain EXI Integer (7.1.5). The
// integer on the wire is the serial's EXI Unsigned Integer octets (7-bit groups, least significant
// first, continuation bit set) read back as one big-endian number: a second encoding layer. Both
// root IDs in the request show it (written out independently here, not with the codec).
export function serialAsCarriedByVectors(serial: bigint): bigint {
  const octets: number[] = [];
  let rest = serial;
  do {
    const group = Number(rest & 0x7fn);
    rest >>= 7n;
    octets.push(rest === 0n ? group : group | 0x80);
  } while (rest !== 0n);
  return octets.reduce((value, octet) => (value << 8n) | BigInt(octet), 0n);
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => value as Json;
const str = (value: unknown): string => value as string;
const b64 = (value: unknown): Uint8Array => new Uint8Array(Buffer.from(str(value), 'base64'));
const list = (value: unknown): unknown[] => value as unknown[];

function chainFromJson(value: unknown): CertificateChain {
  const chain = obj(value);
  const subs = chain['subCertificates'] === undefined ? undefined : list(chain['subCertificates']).map((s) => b64(obj(s)['certificate']));
  return {
    ...(chain['id'] === null || chain['id'] === undefined ? {} : { id: str(chain['id']) }),
    certificate: b64(chain['certificate']),
    ...(subs === undefined ? {} : { subCertificates: subs }),
  };
}

// The JSON's content as a typed message. `serial` says how to map the JSON serial numbers.
export function messageFromJson(json: unknown, serial: (value: bigint) => bigint): V2gMessage {
  const root = obj(json);
  const header = obj(root['header']);
  const signature = obj(header['signature']);
  const common = {
    header: {
      sessionId: new Uint8Array(Buffer.from(str(header['sessionId']), 'hex')),
      signature: {
        signedInfo: {
          canonicalizationMethod: str(signature['canonicalizationMethod']),
          signatureMethod: str(signature['signatureMethod']),
          references: list(signature['references']).map((r) => ({
            uri: str(obj(r)['uri']),
            transforms: [str(obj(r)['transform'])],
            digestMethod: str(obj(r)['digestMethod']),
            digestValue: b64(obj(r)['digestValue']),
          })),
        },
        signatureValue: b64(signature['signatureValue']),
      },
    },
  };
  if (root['body'] === 'CertificateInstallationReq') {
    const body = obj(root['CertificateInstallationReq']);
    return {
      ...common,
      body: {
        kind: 'CertificateInstallationReq',
        id: str(body['id']),
        oemProvisioningCertificate: b64(body['oemProvisioningCert']),
        rootCertificateIds: list(body['listOfRootCertificateIDs']).map((r) => {
          const magnitude = BigInt(`0x${str(obj(r)['x509SerialNumberHex'])}`);
          return { issuerName: str(obj(r)['x509IssuerName']), serialNumber: serial(obj(r)['negative'] === true ? -magnitude : magnitude) };
        }),
      },
    };
  }
  const body = obj(root['CertificateInstallationRes']);
  const identified = (value: unknown): { id: string; value: Uint8Array } => ({ id: str(obj(value)['id']), value: b64(obj(value)['value']) });
  return {
    ...common,
    body: {
      kind: 'CertificateInstallationRes',
      responseCode: RESPONSE_CODES[body['responseCode'] as number] ?? 'FAILED',
      provisioningCertificateChain: chainFromJson(body['saProvisioningCertificateChain']),
      contractCertificateChain: chainFromJson(body['contractSignatureCertChain']),
      encryptedPrivateKey: identified(body['contractSignatureEncryptedPrivateKey']),
      dhPublicKey: identified(body['dhPublicKey']),
      emaid: { id: str(obj(body['eMAID'])['id']), value: str(obj(body['eMAID'])['value']) },
    },
  };
}
