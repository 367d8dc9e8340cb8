// eMSP API scopes (RFC 6749 3.3). Distinct tokens from the operator API's: an eMSP token has the
// eMSP API audience and names its eMSP, so the same scope words cannot cross over.
export const EMSP_SCOPES = ['contracts:read', 'contracts:write', 'contracts:revoke', 'events:read', 'webhooks:manage'] as const;

export type EmspScope = (typeof EMSP_SCOPES)[number];

export const EMSP_SCOPE_DESCRIPTIONS: Readonly<Record<EmspScope, string>> = {
  'contracts:read': "Read the eMSP's own contracts",
  'contracts:write': 'Create (issue or upload) and delete contracts',
  'contracts:revoke': 'Revoke contracts',
  'events:read': 'Poll contract events',
  'webhooks:manage': 'Subscribe to contract events with webhooks, list and remove subscriptions',
};

const SCOPE_SET: ReadonlySet<string> = new Set(EMSP_SCOPES);

export function isEmspScope(s: string): s is EmspScope {
  return SCOPE_SET.has(s);
}
