// `npm run bench:pki`: the CA's figures in one run on one machine. Durable issuance through the
// database, the OCSP responder over HTTP (pre-signed cache, cold path) beside a bare node HTTP
// server and `openssl ocsp` driven by the same load generator, and a 100,000-entry CRL.
// Results are printed and written to .bench/pki-<time>.json.
//
//   npm run bench:pki [-- --count 10000] [--duration 5] [--skip-openssl]   (DATABASE_URL: real PostgreSQL)
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { machineFacts } from './bench-machine.js';
import { benchCrl } from './pki-crl.js';
import { benchIssuance } from './pki-issuance.js';
import { benchOcsp } from './pki-ocsp.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    duration: { type: 'string', default: '5' },
    'skip-openssl': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (values.help) {
  process.stdout.write('Usage: npm run bench:pki [-- --count N] [--duration S] [--skip-openssl]\nSet DATABASE_URL to measure issuance on a real PostgreSQL (the embedded database otherwise).\n');
  process.exit(0);
}

const out = (line = ''): void => void process.stdout.write(`${line}\n`);
const machine = machineFacts();
out(`PKI benchmark: ${String(machine.cpuModel)}, ${String(machine.cores)} cores, ${String(machine.memoryGiB)} GiB, Node ${String(machine.node)}`);

out('\n1. Durable issuance (reserve -> build -> lint -> intent -> sign -> store, through the database)');
const issuance = await benchIssuance({ databaseUrl: process.env.DATABASE_URL, count: Number(values.count) });
out(`   ${issuance.database}: ${issuance.perSecond.toLocaleString('en')} certificates/s (${issuance.certificates} in ${issuance.seconds} s, ${issuance.concurrency} in flight, p50 ${issuance.p50ms} ms, p99 ${issuance.p99ms} ms); target >= 1,000/s: ${issuance.perSecond >= 1000 ? 'met' : 'NOT MET'}`);

out('\n2. OCSP over HTTP');
const ocsp = await benchOcsp({ durationS: Number(values.duration), skipOpenssl: values['skip-openssl'], log: (l) => out(`   ${l}`) });
for (const f of ocsp.figures) out(`   ${f.name.padEnd(54)} ${f.perSecond.toLocaleString('en').padStart(8)}/s  p50 ${f.latencyMs.p50.toFixed(2)} ms  p99 ${f.latencyMs.p99.toFixed(2)} ms`);
out(`   cached vs bare HTTP: ${(ocsp.targets.cachedVsBare.value * 100).toFixed(0)}% (target >= 60%: ${ocsp.targets.cachedVsBare.met ? 'met' : 'NOT MET'})`);
if (ocsp.targets.cachedVsOpenssl) out(`   cached vs openssl ocsp: ${ocsp.targets.cachedVsOpenssl.value.toFixed(1)}x (target >= 10x: ${ocsp.targets.cachedVsOpenssl.met ? 'met' : 'NOT MET'})`);

out('\n3. CRL of 100,000 revoked entries');
const crl = await benchCrl({ entries: 100_000 });
out(`   build + sign: median ${crl.buildMedianMs} ms (min ${crl.buildMinMs}, max ${crl.buildMaxMs}), ${(crl.bytes / 2 ** 20).toFixed(2)} MiB; target < 2 s: ${crl.pass ? 'met' : 'NOT MET'}`);

mkdirSync('.bench', { recursive: true });
const file = `.bench/pki-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
writeFileSync(file, `${JSON.stringify({ machine, issuance, ocsp, crl }, null, 2)}\n`);
out(`\nwritten to ${file}`);
