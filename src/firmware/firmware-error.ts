// The firmware layer's one error type. The API maps each code to a problem (src/api/firmware-errors.ts).
export type FirmwareErrorCode =
  | 'FW_IMAGE_TOO_LARGE'
  | 'FW_IMAGE_EMPTY'
  | 'FW_IMAGE_INCOMPLETE'
  | 'FW_IMAGE_NOT_FOUND'
  | 'FW_IMAGE_ALREADY_SIGNED'
  | 'FW_IMAGE_NOT_VERIFIED'
  | 'FW_IMAGE_TAMPERED'
  | 'FW_IMAGE_NOT_FOR_STATION'
  | 'FW_SIGNER_UNAVAILABLE'
  | 'FW_SIGNATURE_MALFORMED'
  | 'FW_SIGNATURE_INVALID'
  | 'FW_CERTIFICATE_MALFORMED'
  | 'FW_CERTIFICATE_UNTRUSTED'
  | 'FW_NO_MANUFACTURER_ROOTS'
  | 'FW_UNSECURED_NOT_ALLOWED'
  | 'FW_UPDATE_IN_PROGRESS'
  | 'FW_STATION_NOT_FOUND'
  | 'FW_JOB_NOT_FOUND'
  | 'FW_CAMPAIGN_NOT_FOUND'
  | 'FW_CAMPAIGN_STATE'
  | 'FW_CAMPAIGN_NO_STATIONS'
  | 'FW_PUBLICATION_NOT_FOUND'
  | 'FW_PUBLISH_REJECTED'
  | 'FW_UNPUBLISH_DOWNLOAD_ONGOING';

export class FirmwareError extends Error {
  constructor(
    readonly code: FirmwareErrorCode,
    message: string,
    /** Named defects (the path validation code of an untrusted certificate, the stations refused). */
    readonly details?: readonly { code: string; detail: string }[],
  ) {
    super(message);
    this.name = 'FirmwareError';
  }
}
