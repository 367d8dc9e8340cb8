// HTTP Basic at the OCPP upgrade (security profiles 1 and 2): reading the Authorization header
// (RFC 7617) and the rules a station password must meet.

/** OCPP 2.0.1 Part 2 A00 (security profile 1): the password is at least 16 characters long. */
export const MIN_PASSWORD_LENGTH = 16;
/** OCPP 2.0.1 Part 2 Appendix, SecurityCtrlr.BasicAuthPassword: a passwordString of at most 40 characters. */
export const MAX_PASSWORD_LENGTH = 40;

export interface BasicCredentials {
  user: string;
  password: string;
}

/** The credentials of an Authorization header; null when absent, not Basic, or unreadable. */
export function parseBasicAuthorization(header: string | undefined): BasicCredentials | null {
  if (header === undefined || header.length > 1024) return null;
  const m = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(header);
  if (!m?.[1]) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export type PasswordProblem = 'too-short' | 'too-long' | 'not-printable';

/**
 * Why a password cannot be a station's Basic password, or null when it can. passwordString
 * (OCPP 2.0.1 Part 2 §2.1.4) is a string of at most 40 characters; we also refuse control
 * characters, which no station can type into its configuration reliably.
 */
export function checkStationPassword(password: string): PasswordProblem | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return 'too-short';
  if (length > MAX_PASSWORD_LENGTH) return 'too-long';
  if (/[\u0000-\u001f\u007f]/.test(password)) return 'not-printable';
  return null;
}
