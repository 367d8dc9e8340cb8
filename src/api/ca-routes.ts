// The CA for operators: list CAs, issue from a CSR (the API is the registration authority here:
// it checks the CSR against the profile and the identity before the CA sees it), list, show and
// revoke certificates, read the audit log.
import type { FastifyInstance } from 'fastify';
import { toPem } from '../../pki/certificate/parse-certificate.js';
import { checkCsr } from '../../pki/csr/check-csr.js';
import { csrPemToDer } from '../../pki/csr/csr-pem.js';
import { parseCsr } from '../../pki/csr/parse-csr.js';
import { bytesToHex } from '../../pki/der/writer.js';
import { PkiError } from '../../pki/errors.js';
import type { NameAttributeType } from '../../pki/names.js';
import { getProfile } from '../../pki/profiles/index.js';
import type { CaService } from '../ca/ca-service.js';
import { crlUrlFor } from '../ca/issuer-registry.js';
import type { RevocationReason } from '../ca/revoke-certificate.js';
import type { CertificateRow } from '../store/certificates.js';
import type { Store } from '../store/store.js';
import {
  auditListSchema,
  auditQuerySchema,
  certificateListSchema,
  certificateSchema,
  issueBodySchema,
  issuedSchema,
  issuerListSchema,
  issuerParamsSchema,
  issuerSchema,
  listCertificatesQuerySchema,
  revocationSchema,
  revokeBodySchema,
  serialParamsSchema,
  type IssueBody,
  type ListCertificatesQuery,
} from './ca-schemas.js';
import { protectedBy } from './common-schemas.js';
import { ApiError } from './errors.js';
import type { OperatorAuth } from './operator-auth.js';
import { requireScope } from './require-scope.js';

export interface CaRouteDeps {
  ca: CaService;
  store: Pick<Store, 'certificates' | 'caAudit'>;
  auth: OperatorAuth;
}

const pems = (ders: readonly Uint8Array[]): string => ders.map((d) => toPem(d, 'CERTIFICATE')).join('');

function presentCertificate(r: CertificateRow, withPem: boolean): Record<string, unknown> {
  return {
    serial: bytesToHex(r.serial),
    issuerId: r.issuerId,
    profile: r.profile,
    status: r.revokedAt ? 'revoked' : r.status,
    subject: r.subject,
    identity: r.identity,
    notBefore: r.notBefore?.toISOString() ?? null,
    notAfter: r.notAfter?.toISOString() ?? null,
    requestedBy: r.requestedBy,
    revokedAt: r.revokedAt?.toISOString() ?? null,
    revocationReason: r.revocationReason,
    ...(withPem && r.der ? { certificate: toPem(r.der, 'CERTIFICATE') } : {}),
  };
}

export function registerCaRoutes(app: FastifyInstance, deps: CaRouteDeps): void {
  const { ca, store, auth } = deps;
  const read = protectedBy('ca:read', 'ca_not_found', 'certificate_not_found');
  const issue = protectedBy('ca:issue', 'ca_not_found', 'csr_rejected', 'certificate_request_invalid', 'profile_not_issued', 'lint_failed', 'ca_key_unavailable');
  const revoke = protectedBy('ca:revoke', 'certificate_not_found');
  const tags = ['ca'];

  app.get('/api/v1/ca/issuers', { onRequest: requireScope(auth, 'ca:read'), schema: { tags, operationId: 'listCas', summary: 'The CAs this server operates', security: read.security, response: { 200: issuerListSchema, ...read.response } } }, async () => {
    const all = await ca.issuers.list();
    return {
      items: all.map((i) => ({
        id: i.row.id,
        profile: i.row.profile,
        parentId: i.row.parentId,
        subject: i.row.subject,
        notBefore: i.row.notBefore.toISOString(),
        notAfter: i.row.notAfter.toISOString(),
        imported: i.row.imported,
        lab: i.row.lab,
        hasOcspSigner: i.row.ocspCertificate !== null,
        certificate: toPem(i.row.certificate, 'CERTIFICATE'),
        chain: pems(i.chain),
        crlUrl: crlUrlFor(ca.publicBaseUrl, i.row.id),
      })),
    };
  });

  app.get<{ Params: { id: string } }>(
    '/api/v1/ca/issuers/:id',
    { onRequest: requireScope(auth, 'ca:read'), schema: { tags, operationId: 'getCa', summary: 'One CA with its chain', params: issuerParamsSchema, security: read.security, response: { 200: issuerSchema, ...read.response } } },
    async (req) => {
      const i = await ca.issuers.get(req.params.id);
      return {
        id: i.row.id,
        profile: i.row.profile,
        parentId: i.row.parentId,
        subject: i.row.subject,
        notBefore: i.row.notBefore.toISOString(),
        notAfter: i.row.notAfter.toISOString(),
        imported: i.row.imported,
        lab: i.row.lab,
        hasOcspSigner: i.row.ocspCertificate !== null,
        certificate: toPem(i.row.certificate, 'CERTIFICATE'),
        chain: pems(i.chain),
        crlUrl: crlUrlFor(ca.publicBaseUrl, i.row.id),
      };
    },
  );

  app.post<{ Body: IssueBody }>(
    '/api/v1/ca/certificates',
    {
      onRequest: requireScope(auth, 'ca:issue'),
      schema: { tags, operationId: 'issueCertificate', summary: 'Issue a certificate from a CSR', body: issueBodySchema, security: issue.security, response: { 201: issuedSchema, ...issue.response } },
    },
    async (req, reply) => {
      const b = req.body;
      const profile = getProfile(b.profile);
      let csr;
      try {
        csr = parseCsr(csrPemToDer(b.csr));
      } catch (err) {
        if (err instanceof PkiError) throw new ApiError('csr_rejected', `the CSR cannot be read: ${err.message}`, { defects: [{ code: err.code, detail: err.message }] });
        throw err;
      }
      const cn = csr.subject.find((a) => a.type === 'CN')?.value ?? '';
      const identity = b.identity ?? cn;
      const check = checkCsr(csr, {
        profile,
        expectedSubject: { ...(b.identity ? { commonName: b.identity } : {}), ...(b.organization ? { organization: b.organization } : {}) },
        keyCertifiedForOtherIdentity: await ca.keyCertifiedForOther(csr.publicKey, identity),
      });
      if (!check.ok) throw new ApiError('csr_rejected', `the CSR has ${check.defects.length} defect(s)`, { defects: check.defects });
      const issued = await ca.issue({
        issuerId: b.issuerId,
        profile: b.profile,
        subject: check.subject.filter((a): a is typeof a & { type: NameAttributeType } => a.type !== null).map((a) => ({ type: a.type, value: a.value })),
        publicKey: check.publicKey,
        ...(b.validityDays ? { validityDays: b.validityDays } : {}),
        ...(b.dnsNames?.length || b.ipAddresses?.length ? { altNames: { dns: b.dnsNames ?? [], ip: b.ipAddresses ?? [] } } : {}),
        identity,
        requestedBy: `api:${req.operator?.clientId ?? 'unknown'}`,
      });
      return reply
        .code(201)
        .header('location', `/api/v1/ca/certificates/${issued.serial}`)
        .send({ serial: issued.serial, issuerId: issued.issuerId, profile: issued.profile, notBefore: issued.notBefore.toISOString(), notAfter: issued.notAfter.toISOString(), certificate: toPem(issued.der, 'CERTIFICATE'), chain: pems(issued.chain) });
    },
  );

  app.get<{ Querystring: ListCertificatesQuery }>(
    '/api/v1/ca/certificates',
    { onRequest: requireScope(auth, 'ca:read'), schema: { tags, operationId: 'listCertificates', summary: 'Certificates, in serial order', querystring: listCertificatesQuerySchema, security: read.security, response: { 200: certificateListSchema, ...read.response } } },
    async (req) => {
      const q = req.query;
      const rows = await store.certificates.list({ ...(q.issuerId ? { issuerId: q.issuerId } : {}), ...(q.profile ? { profile: q.profile } : {}), ...(q.identity ? { identity: q.identity } : {}), ...(q.status ? { status: q.status } : {}), ...(q.after ? { after: Buffer.from(q.after, 'hex') } : {}), limit: q.limit });
      const last = rows.at(-1);
      return { items: rows.map((r) => presentCertificate(r, false)), nextAfter: rows.length === q.limit && last ? bytesToHex(last.serial) : null };
    },
  );

  app.get<{ Params: { serial: string } }>(
    '/api/v1/ca/certificates/:serial',
    { onRequest: requireScope(auth, 'ca:read'), schema: { tags, operationId: 'getCertificate', summary: 'One certificate with its PEM', params: serialParamsSchema, security: read.security, response: { 200: certificateSchema, ...read.response } } },
    async (req) => {
      const row = await store.certificates.get(Buffer.from(req.params.serial, 'hex'));
      if (!row) throw new ApiError('certificate_not_found');
      return presentCertificate(row, true);
    },
  );

  app.post<{ Params: { serial: string }; Body: { reason?: RevocationReason } | undefined }>(
    '/api/v1/ca/certificates/:serial/revoke',
    { onRequest: requireScope(auth, 'ca:revoke'), schema: { tags, operationId: 'revokeCertificate', summary: 'Revoke a certificate; OCSP answers revoked at once', params: serialParamsSchema, body: revokeBodySchema, security: revoke.security, response: { 200: revocationSchema, ...revoke.response } } },
    async (req) => {
      const r = await ca.revoke({ serial: req.params.serial.toLowerCase(), reason: req.body?.reason ?? 'unspecified', requestedBy: `api:${req.operator?.clientId ?? 'unknown'}` });
      return { serial: r.serial, issuerId: r.issuerId, revokedAt: r.revokedAt.toISOString(), reason: r.reason, changed: r.changed };
    },
  );

  app.get<{ Querystring: { limit: number; serial?: string } }>(
    '/api/v1/ca/audit',
    { onRequest: requireScope(auth, 'ca:read'), schema: { tags, operationId: 'listCaAudit', summary: 'CA audit records, newest first', querystring: auditQuerySchema, security: read.security, response: { 200: auditListSchema, ...read.response } } },
    async (req) => {
      const records = await store.caAudit.recent(req.query.limit, req.query.serial?.toLowerCase());
      return { items: records.map((r) => ({ seq: r.seq, at: r.at.toISOString(), actor: r.actor, action: r.action, decision: r.decision, issuerId: r.issuerId, serial: r.serial, profile: r.profile, detail: r.detail, hash: bytesToHex(r.hash) })) };
    },
  );
}
