// Operator API scopes (RFC 6749 §3.3 scope tokens). A token carries a subset of its credential's.

export const OPERATOR_SCOPES = ['stations:read', 'stations:write', 'calls:send', 'ca:read', 'ca:issue', 'ca:revoke', 'certificates:install', 'contracts:read', 'contracts:write', 'firmware:read', 'firmware:write'] as const;

export type OperatorScope = (typeof OPERATOR_SCOPES)[number];

export const SCOPE_DESCRIPTIONS: Readonly<Record<OperatorScope, string>> = {
  'stations:read': 'Read stations, connector statuses, events and the frame log',
  'stations:write': 'Register stations and change their registration',
  'calls:send': 'Send OCPP CALLs to connected stations',
  'ca:read': 'Read CAs, certificates and the CA audit log',
  'ca:issue': 'Issue certificates from CSRs',
  'ca:revoke': 'Revoke certificates',
  'certificates:install': 'Install and delete CA certificates on stations, read their installed certificates, run certificate campaigns',
  'contracts:read': 'Read eMSPs, their contracts and contract events',
  'contracts:write': 'Create eMSPs and their API clients; create, upload, revoke and delete contracts on any eMSP\'s behalf',
  'firmware:read': 'Read firmware images, updates, campaigns and publications',
  'firmware:write': 'Upload and sign firmware images, update station firmware, run firmware campaigns and publications',
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
