// An EST client that is not ours: curl for HTTPS and openssl for keys, requests, PKCS#7 and path
// checks, run as child processes on files in a temporary directory. Test keys only.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs a tool; resolves with stdout, rejects with its stderr in the message. */
export async function tool(cmd: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run(cmd, args, { maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.stderr ?? e.message}`);
  }
}

export type CsrKey = 'p256' | 'p384' | 'rsa2048';

export interface TestCsr {
  key: string;
  pem: string;
  /** The request as EST sends it: openssl base64 of the DER. */
  b64: string;
}

const KEY_ARGS: Record<CsrKey, string[]> = {
  p256: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'],
  p384: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp384r1'],
  rsa2048: ['-newkey', 'rsa:2048'],
};

/** openssl req -new with a fresh key; the subject as -subj takes it ("/CN=.../O=.../C=DE/DC=CPO"). */
export async function makeCsr(dir: string, name: string, subj: string, key: CsrKey = 'p256', existingKey?: string): Promise<TestCsr> {
  const paths = { key: join(dir, `${name}.key`), pem: join(dir, `${name}.csr.pem`), der: join(dir, `${name}.csr.der`), b64: join(dir, `${name}.csr.b64`) };
  const keyArgs = existingKey ? ['-key', existingKey] : [...KEY_ARGS[key], '-keyout', paths.key];
  await tool('openssl', ['req', '-new', ...keyArgs, '-nodes', '-subj', subj, '-out', paths.pem]);
  await tool('openssl', ['req', '-in', paths.pem, '-outform', 'DER', '-out', paths.der]);
  await tool('openssl', ['base64', '-in', paths.der, '-out', paths.b64]);
  return { key: existingKey ?? paths.key, pem: paths.pem, b64: paths.b64 };
}

export interface CurlResult {
  status: number;
  /** Lower-case header names; the last value of each. */
  headers: Record<string, string>;
  body: string;
}

export interface CurlRequest {
  url: string;
  cacert: string;
  user?: string;
  cert?: string;
  key?: string;
  /** A file posted as the body (--data-binary @file). */
  dataFile?: string;
  contentType?: string;
}

export async function curl(dir: string, req: CurlRequest): Promise<CurlResult> {
  const tag = Math.random().toString(36).slice(2, 10);
  const out = join(dir, `curl-${tag}.body`);
  const head = join(dir, `curl-${tag}.head`);
  const args = ['-sS', '--cacert', req.cacert, '-o', out, '-D', head, '-w', '%{http_code}'];
  if (req.user !== undefined) args.push('-u', req.user);
  if (req.cert) args.push('--cert', req.cert);
  if (req.key) args.push('--key', req.key);
  if (req.dataFile) args.push('--data-binary', `@${req.dataFile}`);
  if (req.contentType) args.push('-H', `Content-Type: ${req.contentType}`);
  args.push(req.url);
  const status = Number(await tool('curl', args));
  const headers: Record<string, string> = {};
  for (const line of readFileSync(head, 'utf8').split(/\r?\n/)) {
    const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
    if (m) headers[m[1]!.toLowerCase()] = m[2]!;
  }
  return { status, headers, body: readFileSync(out, 'utf8') };
}

/** `openssl base64 -d | openssl pkcs7 -inform DER -print_certs`: the PEM certificates of a certs-only body. */
export async function printCerts(dir: string, name: string, body: string): Promise<{ pemFile: string; pems: string[]; text: string }> {
  const b64 = join(dir, `${name}.p7.b64`);
  const der = join(dir, `${name}.p7.der`);
  const pemFile = join(dir, `${name}.pem`);
  writeFileSync(b64, body);
  await tool('openssl', ['base64', '-d', '-in', b64, '-out', der]);
  const text = await tool('openssl', ['pkcs7', '-inform', 'DER', '-in', der, '-print_certs']);
  await tool('openssl', ['pkcs7', '-inform', 'DER', '-in', der, '-print_certs', '-out', pemFile]);
  const pems = [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g)].map((m) => m[0]);
  return { pemFile, pems, text };
}

/** The subject line as openssl prints it with RFC 2253 names. */
export async function subjectOf(pemFile: string): Promise<string> {
  return (await tool('openssl', ['x509', '-in', pemFile, '-noout', '-subject', '-nameopt', 'RFC2253'])).trim().replace(/^subject=/, '');
}
