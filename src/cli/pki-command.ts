// `plugtrust pki init | export | issue | revoke | list | show`: the CA from the command line.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash, createPrivateKey } from 'node:crypto';
import { join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { parseCertificate, pemBlocks, toPem } from '../../pki/certificate/parse-certificate.js';
import { checkCsr } from '../../pki/csr/check-csr.js';
import { parseCsr } from '../../pki/csr/parse-csr.js';
import { csrPemToDer } from '../../pki/csr/csr-pem.js';
import { formatName, type DistinguishedName, type NameAttributeType } from '../../pki/names.js';
import { PROFILES } from '../../pki/profiles/index.js';
import type { ProfileId } from '../../pki/profiles/types.js';
import { CaError } from '../ca/ca-error.js';
import { REVOCATION_REASONS, type RevocationReason } from '../ca/revoke-certificate.js';
import { privateKeyFromPkcs8 } from '../ca/key-vault.js';
import { one, parseCommand, type CaContext } from './ca-context.js';
import { dispatchCommand, withCaContext } from './command-runner.js';

const USAGE = `Usage: plugtrust pki <command> [options]

Commands:
  init      create the whole lab hierarchy (V2G, CPO, CPS, MO, OEM, CSMS) and print it
  export    write every CA certificate (and, for lab hierarchies, leaf keys) as PEM with a manifest
  issue     issue a certificate from a CSR
  revoke    revoke a certificate by serial number
  list      list CAs, or certificates with --issuer/--profile/--identity
  show      show a CA (by id) or a certificate (by serial) with its PEM
  import    import an existing root or sub-CA with its key

Run 'plugtrust pki <command> --help' for the options of a command.
`;

export const actor = (): string => `cli:${safeUser()}`;
function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export function pkiCommand(argv: string[]): Promise<number> {
  return dispatchCommand('pki', USAGE, { init: initCommand, export: exportCommand, issue: issueCommand, revoke: revokeCommand, list: listCommand, show: showCommand, import: importCommand }, argv);
}

/** Runs `fn` with an open CA context and maps CA errors to a message and exit code 1. */
function withCa(config: CaContext['config'], fn: (c: CaContext) => Promise<number>): Promise<number> {
  return withCaContext(config, [CaError], fn);
}

async function initCommand(argv: string[]): Promise<number> {
  const p = parseCommand(argv, [{ name: '--organization', kind: 'value' }, { name: '--country', kind: 'value' }, { name: '--server-name', kind: 'list' }], `Usage: plugtrust pki init [--organization NAME] [--country CC] [--server-name HOST]...

Creates every CA of the lab hierarchy in the database, each with a delegated OCSP signer, plus the
CSMS service keys (CPS signer, firmware signer, TLS server certificate) and sample SECC and OEM
provisioning leaves. Refuses to run when CAs exist. CA keys are stored encrypted under the
key-encryption key (--ca-kek-file).
  --organization  O of every certificate (default: --cpo-name, else "Plugtrust Lab")
  --country       C of every certificate (default DE)
  --server-name   DNS name or IP address for the TLS server certificate (repeatable; default localhost, 127.0.0.1)
`);
  if ('exit' in p) return p.exit;
  const names = p.flags.own.get('--server-name') ?? ['localhost', '127.0.0.1'];
  const country = one(p.flags, '--country') ?? 'DE';
  if (!/^[A-Z]{2}$/.test(country)) {
    process.stderr.write('plugtrust: --country must be two capital letters (ISO 3166-1)\n');
    return 2;
  }
  return withCa(p.config, async ({ ca, store }) => {
    const existing = await store.caIssuers.list();
    if (existing.length > 0) {
      process.stderr.write(`plugtrust: the database already holds ${existing.length} CA(s); pki init builds a new hierarchy only once\n`);
      return 1;
    }
    const made = await ca.initLab({
      organization: one(p.flags, '--organization') ?? p.config.cpoName ?? 'Plugtrust Lab',
      country,
      serverNames: { dns: names.filter((n) => !isIp(n)), ip: names.filter(isIp) },
      requestedBy: actor(),
    });
    process.stdout.write(`Created the lab hierarchy (${made.length} items):\n`);
    for (const m of made) process.stdout.write(`  ${m.kind.padEnd(12)} ${m.id.padEnd(28)} ${m.profile.padEnd(22)} ${m.subject}\n`);
    process.stdout.write(`\nOCSP: ${ca.publicBaseUrl.replace(/\/$/, '')}/ocsp   CRLs: ${ca.publicBaseUrl.replace(/\/$/, '')}/crl/<ca>.crl\n`);
    return 0;
  });
}

const isIp = (s: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || s.includes(':');

async function exportCommand(argv: string[]): Promise<number> {
  const p = parseCommand(argv, [], `Usage: plugtrust pki export DIR

Writes every CA certificate, its chain and its OCSP signer certificate as PEM into DIR, the
service certificates, and, for lab hierarchies only, the keys of the lab leaves; manifest.json
lists every file with its SHA-256 fingerprint.
`);
  if ('exit' in p) return p.exit;
  const dir = p.flags.positional[0];
  if (!dir || p.flags.positional.length > 1) {
    process.stderr.write('plugtrust: pki export needs exactly one directory\n');
    return 2;
  }
  return withCa(p.config, async ({ ca, store, kek }) => {
    const out = resolve(dir);
    mkdirSync(out, { recursive: true });
    const manifest: Record<string, unknown>[] = [];
    const write = (file: string, der: Uint8Array, kind: string, extra: Record<string, unknown>): void => {
      writeFileSync(join(out, file), toPem(der, 'CERTIFICATE'));
      const c = parseCertificate(der);
      manifest.push({ file, kind, ...extra, subject: formatName(c.subject), serial: Buffer.from(c.serial).toString('hex'), notAfter: c.notAfter.toISOString(), sha256: createHash('sha256').update(der).digest('hex') });
    };
    const issuers = await ca.issuers.list();
    for (const i of issuers) {
      write(`${i.row.id}.pem`, i.row.certificate, i.row.parentId ? 'sub-ca' : 'root', { id: i.row.id, profile: i.row.profile });
      writeFileSync(join(out, `${i.row.id}-chain.pem`), i.chain.map((c) => toPem(c, 'CERTIFICATE')).join(''));
      if (i.row.ocspCertificate) write(`${i.row.id}-ocsp.pem`, i.row.ocspCertificate, 'ocsp-signer', { id: `${i.row.id}:ocsp` });
    }
    const lab = issuers.length > 0 && issuers.every((i) => i.row.lab);
    for (const s of await store.caServiceKeys.list()) {
      const cert = await store.certificates.get(s.serial);
      if (!cert?.der) continue;
      const base = s.purpose.replace(/[^a-z0-9-]/gi, '-');
      write(`${base}.pem`, cert.der, 'service', { purpose: s.purpose, profile: cert.profile });
      if (lab && s.purpose.startsWith('lab:')) {
        const key = await store.caKeys.get(s.keyId);
        if (!key?.encrypted) continue;
        const pem = privateKeyFromPkcs8(kek().decrypt(s.keyId, key.encrypted), s.keyId).export({ format: 'pem', type: 'pkcs8' }).toString();
        writeFileSync(join(out, `${base}.key`), pem, { mode: 0o600 });
        manifest.push({ file: `${base}.key`, kind: 'lab-leaf-key', purpose: s.purpose, note: 'test key of a lab hierarchy' });
      }
    }
    writeFileSync(join(out, 'manifest.json'), `${JSON.stringify({ exportedAt: new Date().toISOString(), lab, files: manifest }, null, 2)}\n`);
    process.stdout.write(`Wrote ${manifest.length} files and manifest.json to ${out}\n`);
    return 0;
  });
}

async function issueCommand(argv: string[]): Promise<number> {
  const p = parseCommand(
    argv,
    [{ name: '--issuer', kind: 'value' }, { name: '--profile', kind: 'value' }, { name: '--csr', kind: 'value' }, { name: '--identity', kind: 'value' }, { name: '--days', kind: 'value' }, { name: '--out', kind: 'value' }, { name: '--dns', kind: 'list' }, { name: '--ip', kind: 'list' }],
    `Usage: plugtrust pki issue --issuer CA --profile PROFILE --csr FILE [--identity ID] [--days N] [--out FILE]

Checks the CSR against the profile (and, with --identity, CN against the identity) and issues the
certificate through the full linted cycle. Prints the certificate and its chain as PEM, or writes them to --out.
Profiles: ${Object.keys(PROFILES).join(', ')}
`,
  );
  if ('exit' in p) return p.exit;
  const issuerId = one(p.flags, '--issuer');
  const profileId = one(p.flags, '--profile');
  const csrFile = one(p.flags, '--csr');
  if (!issuerId || !profileId || !csrFile) {
    process.stderr.write('plugtrust: pki issue needs --issuer, --profile and --csr\n');
    return 2;
  }
  if (!(profileId in PROFILES)) {
    process.stderr.write(`plugtrust: unknown profile ${profileId}\n`);
    return 2;
  }
  const days = one(p.flags, '--days');
  if (days !== undefined && !/^[1-9]\d{0,5}$/.test(days)) {
    process.stderr.write('plugtrust: --days must be a positive integer\n');
    return 2;
  }
  const raw = readFileSync(csrFile);
  const identity = one(p.flags, '--identity');
  return withCa(p.config, async ({ ca }) => {
    const profile = PROFILES[profileId as ProfileId];
    let csr;
    try {
      csr = parseCsr(raw.includes('-----BEGIN') ? csrPemToDer(raw.toString('utf8')) : new Uint8Array(raw));
    } catch (err) {
      process.stderr.write(`plugtrust: not a CSR: ${(err as Error).message}\n`);
      return 1;
    }
    const check = checkCsr(csr, {
      profile,
      ...(identity ? { expectedSubject: { commonName: identity } } : {}),
      keyCertifiedForOtherIdentity: await ca.keyCertifiedForOther(csr.publicKey, identity ?? csr.subject.find((a) => a.type === 'CN')?.value ?? ''),
    });
    if (!check.ok) {
      process.stderr.write(`plugtrust: the CSR is refused:\n${check.defects.map((d) => `  - ${d.code}: ${d.detail}\n`).join('')}`);
      return 1;
    }
    const subject: DistinguishedName = check.subject.filter((a): a is typeof a & { type: NameAttributeType } => a.type !== null).map((a) => ({ type: a.type, value: a.value }));
    const dns = p.flags.own.get('--dns') ?? [];
    const ip = p.flags.own.get('--ip') ?? [];
    const issued = await ca.issue({
      issuerId,
      profile: profileId as ProfileId,
      subject,
      publicKey: check.publicKey,
      ...(days ? { validityDays: Number(days) } : {}),
      ...(dns.length || ip.length ? { altNames: { dns, ip } } : {}),
      identity: identity ?? subject.find((a) => a.type === 'CN')?.value ?? null,
      requestedBy: actor(),
    });
    const pem = [issued.der, ...issued.chain].map((c) => toPem(c, 'CERTIFICATE')).join('');
    const out = one(p.flags, '--out');
    if (out) writeFileSync(out, pem);
    else process.stdout.write(pem);
    process.stderr.write(`issued serial ${issued.serial}, valid until ${issued.notAfter.toISOString()}\n`);
    return 0;
  });
}

async function revokeCommand(argv: string[]): Promise<number> {
  const p = parseCommand(argv, [{ name: '--reason', kind: 'value' }], `Usage: plugtrust pki revoke SERIAL [--reason REASON]

Revokes a certificate (RFC 5280 reasons: ${REVOCATION_REASONS.join(', ')}; default unspecified).
The OCSP responder answers revoked at once; the issuer's CRL is regenerated by the running server.
`);
  if ('exit' in p) return p.exit;
  const serial = p.flags.positional[0];
  const reason = one(p.flags, '--reason') ?? 'unspecified';
  if (!serial || p.flags.positional.length > 1) {
    process.stderr.write('plugtrust: pki revoke needs one serial number (hex)\n');
    return 2;
  }
  if (!(REVOCATION_REASONS as readonly string[]).includes(reason)) {
    process.stderr.write(`plugtrust: --reason must be one of ${REVOCATION_REASONS.join(', ')}\n`);
    return 2;
  }
  return withCa(p.config, async ({ ca }) => {
    const r = await ca.revoke({ serial, reason: reason as RevocationReason, requestedBy: actor() });
    process.stdout.write(r.changed ? `revoked ${r.serial} (${r.reason ?? 'unspecified'}) at ${r.revokedAt.toISOString()}\n` : `${r.serial} was already revoked at ${r.revokedAt.toISOString()} (${r.reason ?? 'unspecified'})\n`);
    return 0;
  });
}

async function listCommand(argv: string[]): Promise<number> {
  const p = parseCommand(argv, [{ name: '--issuer', kind: 'value' }, { name: '--profile', kind: 'value' }, { name: '--identity', kind: 'value' }, { name: '--limit', kind: 'value' }], `Usage: plugtrust pki list [--issuer CA] [--profile PROFILE] [--identity ID] [--limit N]

Without filters: the CAs. With a filter: the certificates matching it.
`);
  if ('exit' in p) return p.exit;
  return withCa(p.config, async ({ store }) => {
    const issuer = one(p.flags, '--issuer');
    const profile = one(p.flags, '--profile');
    const identity = one(p.flags, '--identity');
    if (!issuer && !profile && !identity) {
      for (const i of await store.caIssuers.list()) {
        process.stdout.write(`${i.id.padEnd(16)} ${i.profile.padEnd(16)} parent=${(i.parentId ?? '-').padEnd(14)} until ${i.notAfter.toISOString().slice(0, 10)} ${i.imported ? 'imported ' : ''}${i.ocspCertificate ? 'ocsp ' : ''}${i.subject}\n`);
      }
      return 0;
    }
    const rows = await store.certificates.list({ ...(issuer ? { issuerId: issuer } : {}), ...(profile ? { profile } : {}), ...(identity ? { identity } : {}), limit: Number(one(p.flags, '--limit') ?? 100) || 100 });
    for (const r of rows) {
      const state = r.revokedAt ? `revoked(${r.revocationReason ?? 'unspecified'})` : r.status;
      process.stdout.write(`${Buffer.from(r.serial).toString('hex')} ${r.issuerId.padEnd(14)} ${r.profile.padEnd(22)} ${state.padEnd(10)} ${r.notAfter?.toISOString().slice(0, 10) ?? '-'} ${r.subject ?? ''}\n`);
    }
    return 0;
  });
}

async function showCommand(argv: string[]): Promise<number> {
  const p = parseCommand(argv, [], `Usage: plugtrust pki show CA-ID|SERIAL

Shows a CA or a certificate, with its PEM.
`);
  if ('exit' in p) return p.exit;
  const what = p.flags.positional[0];
  if (!what) {
    process.stderr.write('plugtrust: pki show needs a CA id or a serial number\n');
    return 2;
  }
  return withCa(p.config, async ({ store }) => {
    const issuer = /^[a-z][a-z0-9-]*$/.test(what) ? await store.caIssuers.get(what) : null;
    if (issuer) {
      process.stdout.write(`CA ${issuer.id}\n  profile:  ${issuer.profile}\n  parent:   ${issuer.parentId ?? '(root)'}\n  subject:  ${issuer.subject}\n  validity: ${issuer.notBefore.toISOString()} .. ${issuer.notAfter.toISOString()}\n  imported: ${issuer.imported}\n  lab:      ${issuer.lab}\n${toPem(issuer.certificate, 'CERTIFICATE')}`);
      return 0;
    }
    if (!/^[0-9a-fA-F]+$/.test(what) || what.length % 2) {
      process.stderr.write(`plugtrust: no CA named ${what}, and it is not a serial number\n`);
      return 1;
    }
    const row = await store.certificates.get(Buffer.from(what, 'hex'));
    if (!row) {
      process.stderr.write(`plugtrust: no certificate with serial ${what}\n`);
      return 1;
    }
    process.stdout.write(
      `Certificate ${what.toLowerCase()}\n  issuer:   ${row.issuerId}\n  profile:  ${row.profile}\n  status:   ${row.revokedAt ? `revoked ${row.revokedAt.toISOString()} (${row.revocationReason ?? 'unspecified'})` : row.status}\n  subject:  ${row.subject ?? '-'}\n  identity: ${row.identity ?? '-'}\n  validity: ${row.notBefore?.toISOString() ?? '-'} .. ${row.notAfter?.toISOString() ?? '-'}\n  by:       ${row.requestedBy}\n${row.der ? toPem(row.der, 'CERTIFICATE') : ''}`,
    );
    return 0;
  });
}

async function importCommand(argv: string[]): Promise<number> {
  const p = parseCommand(argv, [{ name: '--id', kind: 'value' }, { name: '--profile', kind: 'value' }, { name: '--cert', kind: 'value' }, { name: '--key', kind: 'value' }, { name: '--parent', kind: 'value' }], `Usage: plugtrust pki import --id ID --profile PROFILE --cert FILE --key FILE [--parent CA]

Imports an existing root or sub-CA (for example CPO sub-CAs signed by a commercial V2G root) with
its private key (PEM, PKCS#8 or SEC1), which is stored encrypted. --parent names one of our CAs
when it issued the imported one.
`);
  if ('exit' in p) return p.exit;
  const [id, profile, certFile, keyFile] = ['--id', '--profile', '--cert', '--key'].map((f) => one(p.flags, f));
  if (!id || !profile || !certFile || !keyFile) {
    process.stderr.write('plugtrust: pki import needs --id, --profile, --cert and --key\n');
    return 2;
  }
  if (!(profile in PROFILES)) {
    process.stderr.write(`plugtrust: unknown profile ${profile}\n`);
    return 2;
  }
  const certText = readFileSync(certFile);
  const certDer = certText.includes('-----BEGIN') ? pemBlocks(certText.toString('utf8'), 'CERTIFICATE')[0] : new Uint8Array(certText);
  if (!certDer) {
    process.stderr.write(`plugtrust: ${certFile} holds no certificate\n`);
    return 1;
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(readFileSync(keyFile));
  } catch {
    process.stderr.write(`plugtrust: ${keyFile} is not a readable private key\n`);
    return 1;
  }
  const parent = one(p.flags, '--parent');
  return withCa(p.config, async ({ ca }) => {
    await ca.importCa({ id, profile: profile as ProfileId, certificate: certDer, privateKey, ...(parent ? { parentId: parent } : {}), requestedBy: actor() });
    process.stdout.write(`imported ${id} (${profile})\n`);
    return 0;
  });
}
