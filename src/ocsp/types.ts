// The ports of the OCSP responder and what it answers. The responder holds no SQL and no keys of
// its own: issuers, their delegated signers and certificate statuses come through these ports.
import type { CrlReason } from '../../pki/crl-reason.js';
import type { CertIdHash } from '../../pki/ocsp/cert-id.js';
import type { CertStatus, OcspErrorStatus } from '../../pki/ocsp/build-response.js';
import type { Signer } from '../../pki/signer.js';

export type { CrlReason, CertIdHash, CertStatus };

export interface OcspIssuer {
  /** Our identifier of the issuing CA; passed back to OcspStatusSource.status. */
  id: string;
  /** The issuing CA certificate, DER: its subject and key give the CertID issuer hashes. */
  certificate: Uint8Array;
  responder: {
    signer: Signer;
    /**
     * The delegated OCSP signer certificate, DER: issued by this CA, with id-kp-OCSPSigning and
     * id-pkix-ocsp-nocheck (RFC 6960 4.2.2.2, 4.2.2.2.1). The CA certificate itself is accepted too.
     */
    certificate: Uint8Array;
  };
}

export interface OcspStatusSource {
  listIssuers(): Promise<readonly OcspIssuer[]>;
  /** `serial`: the certificate's serialNumber INTEGER content octets (minimal, as in the certificate). */
  status(issuerId: string, serial: Uint8Array): Promise<CertStatus>;
}

/** What the responder asserted about one CertID of a successful answer. */
export interface OcspSingleAnswer {
  issuerId: string;
  serial: Uint8Array;
  hashAlgorithm: CertIdHash;
  status: CertStatus;
  thisUpdate: Date;
  nextUpdate: Date;
}

export interface OcspSuccessAnswer {
  responseStatus: 'successful';
  /** The OCSPResponse, DER: the HTTP body, or OCPP GetCertificateStatusResponse.ocspResult (base64). */
  der: Uint8Array;
  producedAt: Date;
  /** The latest thisUpdate of its SingleResponses (HTTP Last-Modified, RFC 5019 6.2). */
  thisUpdate: Date;
  /** The earliest nextUpdate of its SingleResponses (HTTP Expires and max-age, RFC 5019 6.2). */
  nextUpdate: Date;
  /** Hex SHA-1 of `der` (HTTP ETag, RFC 5019 6.2). */
  etag: string;
  /** True when the request carried a nonce and the response echoes it (signed for this request only). */
  nonce: boolean;
  responses: readonly OcspSingleAnswer[];
}

export interface OcspFailureAnswer {
  responseStatus: Extract<OcspErrorStatus, 'malformedRequest' | 'internalError' | 'tryLater' | 'unauthorized'>;
  der: Uint8Array;
}

export type OcspAnswer = OcspSuccessAnswer | OcspFailureAnswer;

/**
 * An in-process status question (OCPP GetCertificateStatus, Authorize): either the CertID fields
 * a station sent (OCPP OCSPRequestDataType, serial as hex magnitude or INTEGER content octets), or
 * one of our issuers and a serial.
 */
export type OcspStatusQuery =
  | { hashAlgorithm: CertIdHash; issuerNameHash: Uint8Array; issuerKeyHash: Uint8Array; serialNumber: Uint8Array }
  | { issuerId: string; serial: Uint8Array; hashAlgorithm?: CertIdHash };

export type OcspErrorCode = 'ISSUER_INVALID' | 'BAD_OPTIONS';

/** The error type of the responder's own configuration problems; answers never throw. */
export class OcspError extends Error {
  override readonly name = 'OcspError';
  constructor(
    readonly code: OcspErrorCode,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
  }
}
