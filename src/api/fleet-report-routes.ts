// The fleet certificate report: every certificate on every station (their last M03 report) and
// every certificate our CA issued, with expiry; sorted, paged, and exportable as CSV (RFC 4180,
// formula cells neutralised: src/inventory/csv.ts).
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ReportQuery, ReportRow, ReportSort, ReportSource } from '../store/station-certificates-inventory-report.js';
import type { Store } from '../store/store.js';
import { csvLine } from '../inventory/csv.js';
import { protectedBy } from './common-schemas.js';
import type { OperatorAuth } from './operator-auth.js';
import { requireScope } from './require-scope.js';
import { REPORT_COLUMNS, reportQuerySchema, reportSchema } from './fleet-report-schemas.js';

export interface FleetReportRouteDeps {
  store: Pick<Store, 'certificateInventory'>;
  auth: OperatorAuth;
  now?: () => Date;
}

interface Query {
  source?: ReportSource;
  expiresBefore?: string;
  sort: ReportSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
  format?: 'json' | 'csv';
}

/** Rows fetched per query while exporting. */
const CSV_PAGE = 2000;

function present(r: ReportRow, at: Date): Record<(typeof REPORT_COLUMNS)[number], string | boolean | null> {
  return {
    source: r.source,
    stationId: r.stationId,
    use: r.use,
    child: r.child,
    subject: r.subject,
    serialNumber: r.serialNumber,
    hashAlgorithm: r.hashAlgorithm,
    issuerNameHash: r.issuerNameHash,
    issuerKeyHash: r.issuerKeyHash,
    issuerId: r.issuerId,
    identity: r.identity,
    notAfter: r.notAfter?.toISOString() ?? null,
    expired: r.notAfter === null ? null : r.notAfter.getTime() <= at.getTime(),
    revokedAt: r.revokedAt?.toISOString() ?? null,
    recordedAt: r.recordedAt.toISOString(),
  };
}

function wantsCsv(query: Query, accept: string | undefined): boolean {
  if (query.format) return query.format === 'csv';
  return /(^|,)\s*text\/csv\s*(;|,|$)/i.test(accept ?? '');
}

export function registerFleetReportRoutes(app: FastifyInstance, deps: FleetReportRouteDeps): void {
  const { store, auth } = deps;
  const now = deps.now ?? (() => new Date());
  const guard = protectedBy('ca:read');

  app.get<{ Querystring: Query }>(
    '/api/v1/reports/certificates',
    {
      onRequest: requireScope(auth, 'ca:read'),
      schema: {
        tags: ['certificates'],
        operationId: 'getFleetCertificateReport',
        summary: 'Every certificate on every station and every certificate we issued, with expiry; JSON pages or a CSV export',
        querystring: reportQuerySchema,
        security: guard.security,
        response: { 200: { description: 'JSON (application/json) or every matching row as CSV (text/csv)', content: { 'application/json': { schema: reportSchema }, 'text/csv': { schema: { type: 'string' } } } }, ...guard.response },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const base: ReportQuery = { source: q.source ?? null, expiresBefore: q.expiresBefore ? new Date(q.expiresBefore) : null, sort: q.sort, order: q.order, limit: q.limit, offset: q.offset };
      const at = now();
      if (!wantsCsv(q, req.headers.accept)) {
        const { total, rows } = await store.certificateInventory.report(base);
        return reply.type('application/json').send({ total, limit: q.limit, offset: q.offset, items: rows.map((r) => present(r, at)) });
      }
      // Every matching row, fetched page by page as the client reads.
      async function* lines(): AsyncGenerator<string> {
        yield csvLine(REPORT_COLUMNS);
        for (let offset = 0; ; offset += CSV_PAGE) {
          const { rows } = await store.certificateInventory.report({ ...base, limit: CSV_PAGE, offset, countTotal: false });
          for (const r of rows) {
            const p = present(r, at);
            yield csvLine(REPORT_COLUMNS.map((c) => p[c]));
          }
          if (rows.length < CSV_PAGE) return;
        }
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="certificates-${at.toISOString().slice(0, 10)}.csv"`)
        .send(Readable.from(lines()));
    },
  );
}
