// FirmwareError -> RFC 9457 problem, for the firmware routes (they answer every other error as the
// rest of the API does). `code` is the stable identifier clients switch on.
import type { FastifyInstance } from 'fastify';
import { FirmwareError, type FirmwareErrorCode } from '../firmware/firmware-error.js';
import { problemFromError } from './errors.js';
import { PROBLEM_CONTENT_TYPE } from './problem-handler.js';
import { PROBLEM_SCHEMA_ID } from './common-schemas.js';

export const FIRMWARE_ERRORS: Readonly<Record<FirmwareErrorCode, { status: number; code: string; title: string }>> = {
  FW_IMAGE_TOO_LARGE: { status: 413, code: 'firmware_too_large', title: 'Firmware image too large' },
  FW_IMAGE_EMPTY: { status: 400, code: 'firmware_empty', title: 'Firmware image empty' },
  FW_IMAGE_INCOMPLETE: { status: 400, code: 'firmware_incomplete', title: 'Firmware upload incomplete' },
  FW_IMAGE_NOT_FOUND: { status: 404, code: 'firmware_not_found', title: 'Firmware image not found' },
  FW_IMAGE_ALREADY_SIGNED: { status: 409, code: 'firmware_already_signed', title: 'Firmware image already signed' },
  FW_IMAGE_NOT_VERIFIED: { status: 409, code: 'firmware_not_verified', title: 'Firmware signature not verified' },
  FW_IMAGE_TAMPERED: { status: 409, code: 'firmware_tampered', title: 'Firmware image tampered' },
  FW_IMAGE_NOT_FOR_STATION: { status: 409, code: 'firmware_not_for_station', title: 'Firmware image not for this station' },
  FW_SIGNER_UNAVAILABLE: { status: 503, code: 'firmware_signer_unavailable', title: 'Firmware signing key unavailable' },
  FW_SIGNATURE_MALFORMED: { status: 400, code: 'signature_malformed', title: 'Signature malformed' },
  FW_SIGNATURE_INVALID: { status: 422, code: 'signature_invalid', title: 'Signature invalid' },
  FW_CERTIFICATE_MALFORMED: { status: 400, code: 'signing_certificate_malformed', title: 'Signing certificate malformed' },
  FW_CERTIFICATE_UNTRUSTED: { status: 422, code: 'signing_certificate_untrusted', title: 'Signing certificate not trusted' },
  FW_NO_MANUFACTURER_ROOTS: { status: 409, code: 'no_manufacturer_roots', title: 'No manufacturer roots configured' },
  FW_UNSECURED_NOT_ALLOWED: { status: 409, code: 'unsecured_update_not_allowed', title: 'Unsecured firmware update not allowed' },
  FW_UPDATE_IN_PROGRESS: { status: 409, code: 'firmware_update_in_progress', title: 'Firmware update in progress' },
  FW_STATION_NOT_FOUND: { status: 404, code: 'station_not_found', title: 'Station not found' },
  FW_JOB_NOT_FOUND: { status: 404, code: 'firmware_update_not_found', title: 'Firmware update not found' },
  FW_CAMPAIGN_NOT_FOUND: { status: 404, code: 'firmware_campaign_not_found', title: 'Firmware campaign not found' },
  FW_CAMPAIGN_STATE: { status: 409, code: 'firmware_campaign_state', title: 'Campaign state does not allow this' },
  FW_CAMPAIGN_NO_STATIONS: { status: 422, code: 'firmware_campaign_no_stations', title: 'No stations for the campaign' },
  FW_PUBLICATION_NOT_FOUND: { status: 404, code: 'firmware_publication_not_found', title: 'Firmware publication not found' },
  FW_PUBLISH_REJECTED: { status: 409, code: 'firmware_publish_rejected', title: 'Local controller refused' },
  FW_UNPUBLISH_DOWNLOAD_ONGOING: { status: 409, code: 'firmware_download_ongoing', title: 'Local controller still downloading' },
};

export function firmwareProblem(err: FirmwareError): Record<string, unknown> {
  const e = FIRMWARE_ERRORS[err.code];
  return { type: `urn:plugtrust:problem:${e.code}`, title: e.title, status: e.status, detail: err.message, code: e.code, ...(err.details ? { defects: [...err.details] } : {}) };
}

/** The firmware codes' responses, merged into those of protectedBy(). */
export function withFirmwareResponses(base: Record<number, object>, ...codes: FirmwareErrorCode[]): Record<number, object> {
  const out: Record<number, object> = { ...base };
  for (const c of codes) {
    const e = FIRMWARE_ERRORS[c];
    const prev = out[e.status] as { description?: string } | undefined;
    out[e.status] = { description: [prev?.description, e.code].filter(Boolean).join(', '), content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: `${PROBLEM_SCHEMA_ID}#` } } } };
  }
  return out;
}

/** In the firmware routes' scope: FirmwareError as its problem, anything else as the app does. */
export function registerFirmwareErrorHandler(scope: FastifyInstance): void {
  scope.setErrorHandler((err, req, reply) => {
    const problem = err instanceof FirmwareError ? firmwareProblem(err) : (problemFromError(err) as unknown as Record<string, unknown>);
    const status = problem.status as number;
    if (status >= 500) req.log.error({ err, code: problem.code }, 'request failed');
    return reply.code(status).type(PROBLEM_CONTENT_TYPE).send(problem);
  });
}
