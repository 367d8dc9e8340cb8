// The EST configuration file (--est-config): labels, the default label, the accounts and the
// client trust anchors, validated with ajv as a whole; every problem is reported at once.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { DEFAULT_EST_LABELS, type EstAccount, type EstLabel } from './est-config.js';
import { EstError } from './est-error.js';

export interface EstConfigFile {
  labels: EstLabel[];
  defaultLabel?: string;
  accounts: EstAccount[];
  /** CA ids whose roots client certificates may chain to, or 'all-roots'. */
  clientTrustAnchors: string[] | 'all-roots';
}

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['accounts'],
  properties: {
    labels: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['label', 'profile', 'issuerId'],
        properties: { label: { type: 'string' }, profile: { type: 'string' }, issuerId: { type: 'string' }, validityDays: { type: 'integer', minimum: 1 } },
      },
    },
    defaultLabel: { type: 'string' },
    accounts: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['clientId', 'allowedLabels', 'auth'],
        properties: {
          clientId: { type: 'string' },
          allowedLabels: { type: 'array', items: { type: 'string' } },
          auth: {
            oneOf: [
              { type: 'object', additionalProperties: false, required: ['basicPasswordHash'], properties: { basicPasswordHash: { type: 'string' } } },
              { type: 'object', additionalProperties: false, required: ['certificateSubjectCn'], properties: { certificateSubjectCn: { type: 'string' } } },
            ],
          },
        },
      },
    },
    clientTrustAnchors: { oneOf: [{ const: 'all-roots' }, { type: 'array', items: { type: 'string' } }] },
  },
} as const;

const validate = new Ajv({ allErrors: true }).compile(schema);

export function loadEstConfigFile(path: string): EstConfigFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new EstError('EST_CONFIG_INVALID', `${path}: ${(err as Error).message}`);
  }
  if (!validate(parsed)) {
    throw new EstError('EST_CONFIG_INVALID', `${path}: ${(validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`).join('; ')}`);
  }
  const p = parsed as Partial<EstConfigFile> & { accounts: EstAccount[] };
  return { labels: p.labels ?? [...DEFAULT_EST_LABELS], ...(p.defaultLabel !== undefined ? { defaultLabel: p.defaultLabel } : { defaultLabel: 'secc' }), accounts: p.accounts, clientTrustAnchors: p.clientTrustAnchors ?? ['csms-root'] };
}
