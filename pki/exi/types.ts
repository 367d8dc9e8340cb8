// The typed, plain-English view of the ISO 15118-2 messages this codec handles. Field comments name
// the schema element each field carries (urn:iso:15118:2:2013:MsgDef and xmldsig).

export interface V2gMessage {
  readonly header: MessageHeader;
  readonly body: MessageBody;
}

export interface MessageHeader {
  readonly sessionId: Uint8Array; // SessionID, hexBinary, at most 8 octets
  readonly notification?: Notification;
  readonly signature?: XmlSignature;
}

export type FaultCode = 'ParsingError' | 'NoTLSRootCertificatAvailable' | 'UnknownError';

export interface Notification {
  readonly faultCode: FaultCode;
  readonly faultMessage?: string; // FaultMsg, at most 64 characters
}

export interface XmlSignature {
  readonly id?: string;
  readonly signedInfo: SignedInfo;
  readonly signatureValue: Uint8Array; // raw r || s for ecdsa-sha256
  readonly signatureValueId?: string;
}

export interface SignedInfo {
  readonly id?: string;
  readonly canonicalizationMethod: string; // Algorithm URI
  readonly signatureMethod: string; // Algorithm URI
  readonly references: readonly SignatureReference[]; // at least one
}

export interface SignatureReference {
  readonly id?: string;
  readonly uri?: string;
  readonly type?: string;
  readonly transforms?: readonly string[]; // Transform Algorithm URIs, at least one when present
  readonly digestMethod: string;
  readonly digestValue: Uint8Array;
}

export type MessageBody =
  | CertificateInstallationRequest
  | CertificateInstallationResponse
  | CertificateUpdateRequest
  | CertificateUpdateResponse;

// X509IssuerSerialType: a root the EV trusts, by issuer name and (arbitrary-size) serial number.
export interface IssuerSerial {
  readonly issuerName: string;
  readonly serialNumber: bigint;
}

export interface CertificateInstallationRequest {
  readonly kind: 'CertificateInstallationReq';
  readonly id: string;
  readonly oemProvisioningCertificate: Uint8Array; // DER, at most 800 octets
  readonly rootCertificateIds: readonly IssuerSerial[]; // 1..20
}

export interface CertificateUpdateRequest {
  readonly kind: 'CertificateUpdateReq';
  readonly id: string;
  readonly contractCertificateChain: CertificateChain;
  readonly emaid: string;
  readonly rootCertificateIds: readonly IssuerSerial[];
}

export interface CertificateChain {
  readonly id?: string;
  readonly certificate: Uint8Array; // DER, at most 800 octets
  readonly subCertificates?: readonly Uint8Array[]; // 1..4 when present
}

// An element of simple content with a required Id attribute (ContractSignatureEncryptedPrivateKey,
// DHpublickey): the Id is what the signature's Reference URI points at.
export interface IdentifiedBytes {
  readonly id: string;
  readonly value: Uint8Array;
}

export interface IdentifiedEmaid {
  readonly id: string;
  readonly value: string;
}

export interface CertificateInstallationResponse {
  readonly kind: 'CertificateInstallationRes';
  readonly responseCode: ResponseCode;
  readonly provisioningCertificateChain: CertificateChain; // SAProvisioningCertificateChain
  readonly contractCertificateChain: CertificateChain; // ContractSignatureCertChain
  readonly encryptedPrivateKey: IdentifiedBytes; // ContractSignatureEncryptedPrivateKey, 48 octets
  readonly dhPublicKey: IdentifiedBytes; // DHpublickey, 65 octets
  readonly emaid: IdentifiedEmaid; // eMAID
}

export interface CertificateUpdateResponse extends Omit<CertificateInstallationResponse, 'kind'> {
  readonly kind: 'CertificateUpdateRes';
  readonly retryCounter?: number; // xs:short
}

// responseCodeType, in schema order (the order is the EXI enumeration index, 7.1.9).
export const RESPONSE_CODES = [
  'OK',
  'OK_NewSessionEstablished',
  'OK_OldSessionJoined',
  'OK_CertificateExpiresSoon',
  'FAILED',
  'FAILED_SequenceError',
  'FAILED_ServiceIDInvalid',
  'FAILED_UnknownSession',
  'FAILED_ServiceSelectionInvalid',
  'FAILED_PaymentSelectionInvalid',
  'FAILED_CertificateExpired',
  'FAILED_SignatureError',
  'FAILED_NoCertificateAvailable',
  'FAILED_CertChainError',
  'FAILED_ChallengeInvalid',
  'FAILED_ContractCanceled',
  'FAILED_WrongChargeParameter',
  'FAILED_PowerDeliveryNotApplied',
  'FAILED_TariffSelectionInvalid',
  'FAILED_ChargingProfileInvalid',
  'FAILED_MeteringSignatureNotValid',
  'FAILED_NoChargeServiceSelected',
  'FAILED_WrongEnergyTransferMode',
  'FAILED_ContactorError',
  'FAILED_CertificateNotAllowedAtThisEVSE',
  'FAILED_CertificateRevoked',
] as const;
export type ResponseCode = (typeof RESPONSE_CODES)[number];

// faultCodeType, in schema order.
export const FAULT_CODES: readonly FaultCode[] = ['ParsingError', 'NoTLSRootCertificatAvailable', 'UnknownError'];
