// What the contract and eMSP API tests share: a running server with the lab hierarchy (as
// `plugtrust pki init` then `plugtrust start`), operator and eMSP tokens over real HTTP, and an
// external MO hierarchy made by openssl (an MO that is not us) for uploads.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCaService } from '../../src/ca/ca-service.js';
import { kekSource } from '../../src/ca/kek-source.js';
import { silentLogger } from '../../src/log.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createStore } from '../../src/store/store.js';
import { startTestCsms, type TestCsms } from './csms.js';
import { LAB } from './test-ca.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';

export interface ContractLab {
  csms: TestCsms;
  tdb: TestDatabase;
  dir: string;
  operatorToken: string;
  stop(): Promise<void>;
}

/** The lab hierarchy made before start (same data directory and KEK), then the server. */
export async function startContractLab(argv: (dir: string) => string[] = () => []): Promise<ContractLab> {
  const dir = mkdtempSync(join(tmpdir(), 'plugtrust-contracts-'));
  const tdb = await createTestDatabase();
  const db = await openDb({ dataDir: tdb.dataDir, databaseUrl: tdb.databaseUrl });
  await migrate(db);
  const ca = createCaService({ store: createStore(db), kek: kekSource({ dataDir: tdb.dataDir, log: silentLogger() }), publicBaseUrl: 'http://unused.invalid', log: silentLogger() });
  await ca.initLab(LAB);
  await db.close();
  const csms = await startTestCsms(argv(dir), {}, tdb);
  const operatorToken = await clientToken(`${csms.httpUrl}/api/v1/auth/token`, 'operator', csms.operatorSecret);
  return {
    csms,
    tdb,
    dir,
    operatorToken,
    async stop() {
      await csms.stop();
      await tdb.dispose();
    },
  };
}

export async function clientToken(url: string, clientId: string, secret: string, scope?: string): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: scope ? `grant_type=client_credentials&scope=${encodeURIComponent(scope)}` : 'grant_type=client_credentials',
  });
  const body = (await res.json()) as { access_token?: string };
  if (res.status !== 200 || !body.access_token) throw new Error(`token request failed: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** JSON over HTTP with a bearer token. */
export async function call(baseUrl: string, token: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}

/** Registers an eMSP and an API client for it (through the operator API); returns the client's token. */
export async function emspWithToken(lab: ContractLab, emspId: string, scopes?: string[]): Promise<{ token: string; clientId: string; secret: string }> {
  const base = lab.csms.httpUrl;
  const e = await call(base, lab.operatorToken, 'POST', '/api/v1/emsps', { id: emspId, name: `${emspId} Mobility` });
  if (e.status !== 201 && e.status !== 409) throw new Error(`eMSP: ${e.status} ${JSON.stringify(e.body)}`);
  const clientId = `${emspId}-${Math.random().toString(36).slice(2, 8)}`;
  const c = await call(base, lab.operatorToken, 'POST', `/api/v1/emsps/${emspId}/clients`, { clientId, ...(scopes ? { scopes } : {}) });
  if (c.status !== 201) throw new Error(`client: ${c.status} ${JSON.stringify(c.body)}`);
  const secret = c.body.clientSecret as string;
  return { token: await clientToken(`${base}/api/v1/emsp/auth/token`, clientId, secret), clientId, secret };
}

export interface ExternalMo {
  rootPem: string;
  subPem: string;
  /** Issues a contract certificate (CN = eMAID) with a fresh P-256 key; PEMs. */
  issue(cn: string, opts?: { keyUsage?: string; days?: number }): { certificate: string; privateKey: string };
}

/** An MO root and sub-CA made by openssl, as another MO would run them. */
export function externalMo(dir: string, name: string): ExternalMo {
  const p = (f: string): string => join(dir, `${name}-${f}`);
  const ossl = (args: string[]): void => void execFileSync('openssl', args, { stdio: 'pipe' });
  const ecKey = (file: string): void => ossl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);
  writeFileSync(p('ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  ecKey(p('root.key'));
  ossl(['req', '-new', '-x509', '-key', p('root.key'), '-subj', `/CN=${name} MO Root/O=${name}/C=NL/DC=MO`, '-days', '3650', '-sha256', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', p('root.pem')]);
  ecKey(p('sub.key'));
  ossl(['req', '-new', '-key', p('sub.key'), '-subj', `/CN=${name} MO Sub-CA/O=${name}/C=NL/DC=MO`, '-out', p('sub.csr')]);
  ossl(['x509', '-req', '-in', p('sub.csr'), '-CA', p('root.pem'), '-CAkey', p('root.key'), '-CAcreateserial', '-days', '1000', '-sha256', '-extfile', p('ca.ext'), '-out', p('sub.pem')]);
  let n = 0;
  return {
    rootPem: readFileSync(p('root.pem'), 'utf8'),
    subPem: readFileSync(p('sub.pem'), 'utf8'),
    issue(cn, opts = {}) {
      const i = ++n;
      writeFileSync(p(`leaf${i}.ext`), `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,${opts.keyUsage ?? 'digitalSignature,nonRepudiation,keyEncipherment,keyAgreement'}\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n`);
      ecKey(p(`leaf${i}.key`));
      ossl(['req', '-new', '-key', p(`leaf${i}.key`), '-subj', `/CN=${cn}/O=${name}/C=NL/DC=MO`, '-out', p(`leaf${i}.csr`)]);
      ossl(['x509', '-req', '-in', p(`leaf${i}.csr`), '-CA', p('sub.pem'), '-CAkey', p('sub.key'), '-CAcreateserial', '-days', String(opts.days ?? 365), '-sha256', '-extfile', p(`leaf${i}.ext`), '-out', p(`leaf${i}.pem`)]);
      return { certificate: readFileSync(p(`leaf${i}.pem`), 'utf8'), privateKey: readFileSync(p(`leaf${i}.key`), 'utf8') };
    },
  };
}
