// Operator API scopes (RFC 6749 §3.3 scope tokens). A token carries a subset of its credential's.

export const OPERATOR_SCOPES = ['stations:read', 'stations:write', 'calls:send', 'ca:read', 'ca:issue', 'ca:revoke'] as const;

export type OperatorScope = (typeof OPERATOR_SCOPES)[number];

export const SCOPE_DESCRIPTIONS: Readonly<Record<OperatorScope, string>> = {
  'stations:read': 'Read stations, connector statuses, events and the frame log',
  'stations:write': 'Register stations and change their registration',
  'calls:send': 'Send OCPP CALLs to connected stations',
  'ca:read': 'Read CAs, certificates and the CA audit log',
  'ca:issue': 'Issue certificates from CSRs',
  'ca:revoke': 'Revoke certificates',
};

const SCOPE_SET: ReadonlySet<string> = new Set(OPERATOR_SCOPES);

export function isOperatorScope(s: string): s is OperatorScope {
  return SCOPE_SET.has(s);
}

/**
 * Splits an RFC 6749 §3.3 scope string. Returns null when it is malformed: empty, doubled or
 * leading/trailing spaces, or a character outside NQCHAR (%x21 / %x23-5B / %x5D-7E).
 */
export function parseScope(scope: string): string[] | null {
  const tokens = scope.split(' ');
  if (tokens.some((t) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(t))) return null;
  return [...new Set(tokens)];
}
