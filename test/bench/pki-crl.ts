// `node --import tsx test/bench/pki-crl.ts [--entries N] [--runs N] [--db]`: how long one CA's
// CRL takes to build and sign with 100,000 revoked entries (target: well under 2 s), and how big it
// is. P-256 software signer, as the CAs use. With --db, also the whole publication through the
// publisher on a test database: read the revoked rows, build, sign, store. Prints a table and one
// `BENCH_JSON {...}` line.
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { keyIdentifier } from '../../pki/certificate/extensions.js';
import { buildCrl, encodeTbsCertList, type CrlEntryInput } from '../../pki/crl/build-crl.js';
import { parseCrl } from '../../pki/crl/parse-crl.js';
import type { CrlReason } from '../../pki/crl-reason.js';
import { oid, printableString, seq, setOf, utf8String } from '../../pki/der/writer.js';
import { OID } from '../../pki/oids.js';
import { generateKey, softwareSigner } from '../../src/ca/software-signer.js';

export interface CrlBenchResult {
  entries: number;
  runs: number;
  bytes: number;
  /** buildCrl end to end (encode + sign + wrap), milliseconds. */
  buildMedianMs: number;
  buildMinMs: number;
  buildMaxMs: number;
  /** The share of it that is the signature over the TBS. */
  signMedianMs: number;
  /** Our strict parser reading it back. */
  parseMedianMs: number;
  /** With --db: publisher.publish() over stored rows (read, build, sign, store). */
  publishMedianMs?: number;
  targetMs: number;
  pass: boolean;
}

const REASONS: (CrlReason | null)[] = [null, 'keyCompromise', 'superseded', 'cessationOfOperation', 'affiliationChanged', 'unspecified', 'cACompromise', 'privilegeWithdrawn'];
const TARGET_MS = 2_000;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const round = (x: number): number => Math.round(x * 10) / 10;

/** Entries as the store returns them: random 16-octet positive serials, dates spread over a year. */
export function syntheticEntries(n: number, start = Date.UTC(2026, 0, 1)): CrlEntryInput[] {
  const entries = new Array<CrlEntryInput>(n);
  const serials = randomBytes(16 * n);
  for (let i = 0; i < n; i++) {
    const serial = new Uint8Array(serials.buffer, serials.byteOffset + i * 16, 16);
    serial[0] = ((serial[0] as number) & 0x3f) | 0x40;
    entries[i] = { serial, revokedAt: new Date(start + Math.floor((i * 31_536_000_000) / n / 1000) * 1000), reason: REASONS[i % REASONS.length] ?? null };
  }
  return entries;
}

export async function benchCrl(opts: { entries?: number; runs?: number } = {}): Promise<CrlBenchResult> {
  const n = opts.entries ?? 100_000;
  const runs = opts.runs ?? 5;
  const signer = softwareSigner(generateKey({ kind: 'ec', curve: 'P-256' }).privateKey);
  const issuerSubjectDer = seq(setOf(seq(oid(OID.commonName), utf8String('Bench CSMS Sub-CA'))), setOf(seq(oid(OID.organizationName), utf8String('Bench CPO'))), setOf(seq(oid(OID.countryName), printableString('DE'))));
  const entries = syntheticEntries(n);
  const thisUpdate = new Date(Date.UTC(2027, 0, 1));
  const base = { issuerSubjectDer, issuerKeyIdentifier: keyIdentifier(signer.publicKey), thisUpdate, nextUpdate: new Date(thisUpdate.getTime() + 86_400_000), entries, signer };

  // One unmeasured run warms up the JIT and the allocator.
  let der = await buildCrl({ ...base, crlNumber: 0n });
  const build: number[] = [];
  const sign: number[] = [];
  const parse: number[] = [];
  for (let r = 1; r <= runs; r++) {
    let t = performance.now();
    der = await buildCrl({ ...base, crlNumber: BigInt(r) });
    build.push(performance.now() - t);
    const tbs = encodeTbsCertList({ ...base, crlNumber: BigInt(r), signatureAlgorithm: signer.algorithm });
    t = performance.now();
    await signer.sign(tbs);
    sign.push(performance.now() - t);
    t = performance.now();
    if (parseCrl(der).entries.length !== n) throw new Error('the CRL does not list every entry');
    parse.push(performance.now() - t);
  }
  const buildMedianMs = round(median(build));
  return {
    entries: n,
    runs,
    bytes: der.length,
    buildMedianMs,
    buildMinMs: round(Math.min(...build)),
    buildMaxMs: round(Math.max(...build)),
    signMedianMs: round(median(sign)),
    parseMedianMs: round(median(parse)),
    targetMs: TARGET_MS,
    pass: buildMedianMs < TARGET_MS,
  };
}

/** publisher.publish() on a test database holding `n` revoked certificates of one CA. */
export async function benchPublish(opts: { entries?: number; runs?: number } = {}): Promise<number> {
  const n = opts.entries ?? 100_000;
  const runs = opts.runs ?? 5;
  const { openTestCa } = await import('../helpers/test-ca.js');
  const { subjectFor } = await import('../../src/ca/lab-hierarchy.js');
  const { createCrlPublisher } = await import('../../src/ca/crl-publisher.js');
  const { silentLogger } = await import('../../src/log.js');
  const t = await openTestCa();
  try {
    await t.ca.createRoot({ id: 'bench-root', profile: 'csms-root', subject: subjectFor('csms-root', { CN: 'Bench Root', O: 'Bench CPO', C: 'DE' }), requestedBy: 'bench' });
    // Rows as issuance and revocation leave them; the DER column only needs to be present.
    await t.db.query(
      `INSERT INTO certificates (serial, issuer_id, profile, status, der, requested_by, not_after, revoked_at, revocation_reason)
       SELECT decode(lpad(to_hex(1073741824 + g), 8, '0') || '0102030405060708', 'hex'), 'bench-root', 'charging-station-leaf', 'issued', '\\x30'::bytea, 'bench',
              now() + interval '1 year', now() - (g || ' seconds')::interval, (ARRAY['keyCompromise', 'superseded', NULL, 'cessationOfOperation'])[1 + g % 4]
       FROM generate_series(1, $1::int) AS g`,
      [n],
    );
    const publisher = createCrlPublisher({ store: t.store, issuers: t.ca.issuers, log: silentLogger() });
    await publisher.publish('bench-root');
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      const start = performance.now();
      const crl = await publisher.publish('bench-root');
      times.push(performance.now() - start);
      if (parseCrl(crl.der).entries.length !== n) throw new Error('the published CRL does not list every entry');
    }
    return round(median(times));
  } finally {
    await t.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { entries: { type: 'string', default: '100000' }, runs: { type: 'string', default: '5' }, db: { type: 'boolean', default: false } } });
  const entries = Number(values.entries);
  const runs = Number(values.runs);
  const result = await benchCrl({ entries, runs });
  if (values.db) result.publishMedianMs = await benchPublish({ entries, runs });
  const rows: [string, string][] = [
    ['revoked entries', entries.toLocaleString('en')],
    ['CRL size', `${(result.bytes / 1_048_576).toFixed(2)} MiB (${result.bytes.toLocaleString('en')} bytes, ${(result.bytes / entries).toFixed(1)} per entry)`],
    [`buildCrl, median of ${runs}`, `${result.buildMedianMs} ms (min ${result.buildMinMs}, max ${result.buildMaxMs})`],
    ['  of which the P-256 signature', `${result.signMedianMs} ms`],
    ['parseCrl, median', `${result.parseMedianMs} ms`],
  ];
  if (result.publishMedianMs !== undefined) rows.push(['publish (read rows, build, sign, store)', `${result.publishMedianMs} ms`]);
  rows.push([`target < ${TARGET_MS} ms`, result.pass ? 'PASS' : 'FAIL']);
  for (const [k, v] of rows) console.log(`${k.padEnd(42)} ${v}`);
  console.log(`BENCH_JSON ${JSON.stringify(result)}`);
  if (!result.pass) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
