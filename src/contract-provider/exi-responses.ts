// The EXI answers to the EV: CertificateInstallationRes / CertificateUpdateRes, signed by the CPS
// leaf over the four elements ISO 15118-2 requires ([V2G2-771]:
// ContractSignatureCertChain, ContractSignatureEncryptedPrivateKey, DHpublickey, eMAID), and the
// failure form of the same message: every failure is still a schema-valid message carrying its
// ResponseCode, because chargers pass exiResponse to the EV whatever the status.
import { encodeV2gMessage, signElements, type CertificateChain, type IdentifiedBytes, type IdentifiedEmaid, type ResponseCode, type V2gMessage } from '../../pki/exi/index.js';
import type { Signer } from '../../pki/signer.js';

export type ResponseKind = 'CertificateInstallationRes' | 'CertificateUpdateRes';

/** The CPS signer with the chain the response carries (SAProvisioningCertificateChain). */
export interface CpsCredentials {
  readonly signer: Signer;
  /** The CPS leaf (DER). */
  readonly certificate: Uint8Array;
  /** Its sub-CAs, issuer first, without the V2G root (the EV holds the root; chains carry sub-CAs only). */
  readonly subCertificates: readonly Uint8Array[];
}

export interface ContractPayload {
  readonly contractChain: CertificateChain;
  readonly encryptedPrivateKey: Uint8Array;
  readonly dhPublicKey: Uint8Array;
  readonly emaid: string;
}

// Fixed element Ids, as the referenced elements need them and as the vectors use them.
const IDS = { chain: 'id1', key: 'id2', dh: 'id3', emaid: 'id4' } as const;
/** OCPP 2.0.1 Get15118EVCertificateResponse.exiResponse maxLength (base64 characters). */
export const MAX_EXI_RESPONSE_BASE64 = 7500;
const SESSION_ID_FALLBACK = new Uint8Array(8);

export async function buildSignedResponse(kind: ResponseKind, sessionId: Uint8Array, responseCode: ResponseCode, cps: CpsCredentials, payload: ContractPayload): Promise<Uint8Array> {
  const contractChain: CertificateChain = { ...payload.contractChain, id: IDS.chain };
  const encryptedPrivateKey: IdentifiedBytes = { id: IDS.key, value: payload.encryptedPrivateKey };
  const dhPublicKey: IdentifiedBytes = { id: IDS.dh, value: payload.dhPublicKey };
  const emaid: IdentifiedEmaid = { id: IDS.emaid, value: payload.emaid };
  const signature = await signElements(
    [
      { name: 'ContractSignatureCertChain', value: contractChain },
      { name: 'ContractSignatureEncryptedPrivateKey', value: encryptedPrivateKey },
      { name: 'DHpublickey', value: dhPublicKey },
      { name: 'eMAID', value: emaid },
    ],
    cps.signer,
  );
  const provisioningCertificateChain: CertificateChain = {
    certificate: cps.certificate,
    ...(cps.subCertificates.length > 0 ? { subCertificates: cps.subCertificates } : {}),
  };
  const common = { responseCode, provisioningCertificateChain, contractCertificateChain: contractChain, encryptedPrivateKey, dhPublicKey, emaid };
  const message: V2gMessage = {
    header: { sessionId: sessionId.length > 0 && sessionId.length <= 8 ? sessionId : SESSION_ID_FALLBACK, signature },
    body: kind === 'CertificateInstallationRes' ? { kind, ...common } : { kind, ...common },
  };
  return encodeV2gMessage(message);
}

/**
 * A failure: the ResponseCode with placeholder content (no contract data leaves us). Signed when
 * CPS credentials are at hand, so that an EV which checks the signature before the code still
 * reads a consistent message; unsigned otherwise (FAILED needs no proof of origin).
 */
export async function buildFailureResponse(kind: ResponseKind, sessionId: Uint8Array, responseCode: ResponseCode, cps: CpsCredentials | null, emaid = ''): Promise<Uint8Array> {
  const payload: ContractPayload = { contractChain: { certificate: new Uint8Array(0) }, encryptedPrivateKey: new Uint8Array(48), dhPublicKey: new Uint8Array(65), emaid };
  if (cps) return buildSignedResponse(kind, sessionId, responseCode, cps, payload);
  const body = {
    responseCode,
    provisioningCertificateChain: { certificate: new Uint8Array(0) },
    contractCertificateChain: { id: IDS.chain, certificate: new Uint8Array(0) },
    encryptedPrivateKey: { id: IDS.key, value: payload.encryptedPrivateKey },
    dhPublicKey: { id: IDS.dh, value: payload.dhPublicKey },
    emaid: { id: IDS.emaid, value: emaid },
  };
  const header = { sessionId: sessionId.length > 0 && sessionId.length <= 8 ? sessionId : SESSION_ID_FALLBACK };
  return encodeV2gMessage({ header, body: kind === 'CertificateInstallationRes' ? { kind, ...body } : { kind, ...body } });
}

export const base64Length = (bytes: number): number => 4 * Math.ceil(bytes / 3);
