// The contract service's error type: stable codes that the operator API, the eMSP API and the CLI
// map to their wire (src/api/contract-problems.ts). `details` name what is wrong (path validation
// failure, profile checks) and are safe to show to the client that sent the input.
export type ContractErrorCode =
  | 'CONTRACT_EMAID_INVALID' // not an ISO 15118-2 Annex H / DIN SPEC 91286 eMAID, or a wrong check digit
  | 'CONTRACT_EMAID_MISMATCH' // the given eMAID is not the certificate's CN
  | 'CONTRACT_PCID_INVALID' // a PCID is not 17 or 18 alphanumerics, or the list is empty or too long
  | 'CONTRACT_VALIDITY_INVALID' // validityDays outside the contract profile's range
  | 'CONTRACT_EMSP_UNKNOWN' // no such eMSP
  | 'CONTRACT_EMSP_INVALID' // eMSP id or name malformed
  | 'CONTRACT_EMSP_EXISTS'
  | 'CONTRACT_NOT_FOUND' // no such contract for this eMSP (or deleted)
  | 'CONTRACT_REVOKED' // already revoked
  | 'CONTRACT_REASON_INVALID' // not a revocation reason for contracts (RFC 5280 5.3.1)
  | 'CONTRACT_CERTIFICATE_INVALID' // unreadable, or not a contract certificate (profile checks)
  | 'CONTRACT_CHAIN_UNTRUSTED' // RFC 5280 path validation to the configured MO roots failed
  | 'CONTRACT_KEY_INVALID' // not a PKCS#8 P-256 private key
  | 'CONTRACT_KEY_MISMATCH' // the private key does not belong to the certificate
  | 'CONTRACT_ISSUER_UNAVAILABLE' // the MO sub-CA that issues contract certificates is not operated here
  | 'CONTRACT_KEY_UNAVAILABLE' // the stored contract key cannot be decrypted (KEK problem)
  | 'EMSP_CLIENT_EXISTS' // an eMSP API client with this id exists
  | 'EMSP_CLIENT_NOT_FOUND' // no live client with this id for this eMSP
  | 'WEBHOOK_INVALID' // the webhook URL or event kinds are not acceptable
  | 'WEBHOOK_NOT_FOUND';

export class ContractError extends Error {
  override readonly name = 'ContractError';
  constructor(
    readonly code: ContractErrorCode,
    message: string,
    readonly details?: readonly { code: string; detail: string }[],
  ) {
    super(message);
  }
}
