// `plugtrust contract emsp-add | create | upload | list | show | revoke | delete`: contracts from
// the command line, through the same ContractService as the APIs (same checks, events and audit
// records). Results are JSON on stdout; refusals are "<CODE>: message" on stderr with exit code 1.
import { readFileSync, writeFileSync } from 'node:fs';
import { CaError } from '../ca/ca-error.js';
import { ContractError } from '../contracts/contract-error.js';
import { CONTRACT_REVOCATION_REASONS, createContractService, type ContractRevocationReason, type ContractService } from '../contracts/contract-service.js';
import { loadMoRootsFile } from '../contracts/mo-roots-file.js';
import { readUploadParts } from '../api/contract-input.js';
import { presentContract } from '../api/contract-present.js';
import { one, parseCommand, type CaContext } from './ca-context.js';
import { dispatchCommand, withCaContext } from './command-runner.js';
import { actor } from './pki-command.js';

const USAGE = `Usage: plugtrust contract <command> [options]

Commands:
  emsp-add  register an eMSP (the tenant contracts belong to)
  emsps     list the eMSPs
  create    create a contract: our MO CA issues the contract certificate and its key
  upload    store an externally issued contract certificate with its chain and key
  list      list an eMSP's contracts
  show      show a contract with its certificate chain
  revoke    revoke a contract (OCSP answers revoked at once)
  delete    delete a contract (a certificate our CA issued is revoked first)

Run 'plugtrust contract <command> --help' for the options of a command.
`;

export function contractCommand(argv: string[]): Promise<number> {
  return dispatchCommand(
    'contract',
    USAGE,
    { 'emsp-add': emspAddCommand, emsps: emspsCommand, create: createCommand, upload: uploadCommand, list: listCommand, show: showCommand, revoke: revokeCommand, delete: deleteCommand },
    argv,
  );
}

type Config = Parameters<typeof withCaContext>[0];

/** Runs `fn` with a contract service over the configured database; maps refusals to exit code 1. */
function withContracts(config: Config, fn: (s: ContractService, ctx: CaContext) => Promise<number>): Promise<number> {
  return withCaContext(config, [ContractError, CaError], (ctx) =>
    fn(createContractService({ store: ctx.store, ca: ctx.ca, kek: ctx.kek, issuerId: config.contractIssuer, extraMoRoots: loadMoRootsFile(config.moRootsFile), log: ctx.log }), ctx),
  );
}

const print = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

function readFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ContractError(what === 'key' ? 'CONTRACT_KEY_INVALID' : 'CONTRACT_CERTIFICATE_INVALID', `cannot read the ${what} file ${path}: ${(err as Error).message}`);
  }
}

function needs(values: Record<string, string | undefined>): string | null {
  const missing = Object.entries(values).filter(([, v]) => v === undefined).map(([k]) => k);
  if (missing.length === 0) return null;
  process.stderr.write(`plugtrust: missing ${missing.join(', ')}\n`);
  return 'missing';
}

async function emspAddCommand(argv: string[]): Promise<number> {
  const p = parseCommand(argv, [{ name: '--id', kind: 'value' }, { name: '--name', kind: 'value' }, { name: '--issuer', kind: 'value' }], `Usage: plugtrust contract emsp-add --id ID --name NAME [--issuer CA]

  --id      eMSP id: lower-case letters, digits and "-" (1 to 63)
  --name    its name (O of its contract certificates)
  --issuer  the MO Sub-CA 2 issuing its contract certificates (default --contract-issuer)
`);
  if ('exit' in p) return p.exit;
  const id = one(p.flags, '--id');
  const name = one(p.flags, '--name');
  if (needs({ '--id': id, '--name': name })) return 2;
  return withContracts(p.config, async (s) => {
    const e = await s.createEmsp({ id: id!, name: name!, issuerId: one(p.flags, '--issuer') ?? null, requestedBy: actor() });
    print({ id: e.id, name: e.name, issuerId: e.issuerId, createdAt: e.createdAt.toISOString() });
    return 0;
  });
}

async function emspsCommand(argv: string[]): Promise<number> {
  const p = parseCommand(argv, [], 'Usage: plugtrust contract emsps\n');
  if ('exit' in p) return p.exit;
  return withContracts(p.config, async (_s, ctx) => {
    print((await ctx.store.contracts.listEmsps()).map((e) => ({ id: e.id, name: e.name, issuerId: e.issuerId, createdAt: e.createdAt.toISOString() })));
    return 0;
  });
}

async function createCommand(argv: string[]): Promise<number> {
  const p = parseCommand(
    argv,
    [{ name: '--emsp', kind: 'value' }, { name: '--emaid', kind: 'value' }, { name: '--pcid', kind: 'list' }, { name: '--validity-days', kind: 'value' }, { name: '--out', kind: 'value' }],
    `Usage: plugtrust contract create --emsp ID --emaid EMAID --pcid PCID [--pcid PCID]... [--validity-days N] [--out FILE]

  --emaid          ISO 15118-2 Annex H / DIN SPEC 91286 eMAID (a check digit, when given, must be correct)
  --pcid           provisioning certificate id of an EV the contract may be installed in (repeatable)
  --validity-days  1 to 730 (default 365)
  --out            also write the contract certificate and its chain (PEM) to FILE
`,
  );
  if ('exit' in p) return p.exit;
  const emsp = one(p.flags, '--emsp');
  const emaid = one(p.flags, '--emaid');
  if (needs({ '--emsp': emsp, '--emaid': emaid })) return 2;
  const days = one(p.flags, '--validity-days');
  if (days !== undefined && !/^\d{1,4}$/.test(days)) {
    process.stderr.write('plugtrust: --validity-days must be a whole number of days\n');
    return 2;
  }
  return withContracts(p.config, async (s) => {
    const c = await s.create({ emspId: emsp!, emaid: emaid!, pcids: p.flags.own.get('--pcid') ?? [], validityDays: days === undefined ? undefined : Number(days), requestedBy: actor() });
    const shown = presentContract(c);
    const out = one(p.flags, '--out');
    if (out) writeFileSync(out, `${shown.certificate as string}${shown.chain as string}`);
    print(shown);
    return 0;
  });
}

async function uploadCommand(argv: string[]): Promise<number> {
  const p = parseCommand(
    argv,
    [{ name: '--emsp', kind: 'value' }, { name: '--emaid', kind: 'value' }, { name: '--pcid', kind: 'list' }, { name: '--cert', kind: 'value' }, { name: '--chain', kind: 'value' }, { name: '--key', kind: 'value' }],
    `Usage: plugtrust contract upload --emsp ID --cert FILE --chain FILE --key FILE --pcid PCID... [--emaid EMAID]

Validates the chain against the configured MO roots (ours and --mo-roots-file), checks that the
key belongs to the certificate and that it is a contract certificate, and stores the key encrypted.
  --cert   the contract certificate (PEM)
  --chain  its sub-CAs, issuer first (PEM)
  --key    its private key (unencrypted PKCS#8 PEM)
`,
  );
  if ('exit' in p) return p.exit;
  const emsp = one(p.flags, '--emsp');
  const cert = one(p.flags, '--cert');
  const key = one(p.flags, '--key');
  if (needs({ '--emsp': emsp, '--cert': cert, '--key': key })) return 2;
  const chain = one(p.flags, '--chain');
  return withContracts(p.config, async (s) => {
    const parts = readUploadParts({ certificate: readFile(cert!, 'certificate'), privateKey: readFile(key!, 'key'), ...(chain ? { chain: readFile(chain, 'chain') } : {}) });
    const c = await s.upload({ emspId: emsp!, emaid: one(p.flags, '--emaid'), pcids: p.flags.own.get('--pcid') ?? [], ...parts, requestedBy: actor() });
    print(presentContract(c));
    return 0;
  });
}

async function listCommand(argv: string[]): Promise<number> {
  const p = parseCommand(argv, [{ name: '--emsp', kind: 'value' }, { name: '--limit', kind: 'value' }], 'Usage: plugtrust contract list --emsp ID [--limit N]\n');
  if ('exit' in p) return p.exit;
  const emsp = one(p.flags, '--emsp');
  if (needs({ '--emsp': emsp })) return 2;
  const limit = Number(one(p.flags, '--limit') ?? '100');
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    process.stderr.write('plugtrust: --limit is 1 to 1000\n');
    return 2;
  }
  return withContracts(p.config, async (s) => {
    const rows = await s.list(emsp!, { limit });
    print(rows.map((r) => {
      const { certificate: _c, chain: _ch, moRoot: _r, ...rest } = presentContract(r);
      return rest;
    }));
    return 0;
  });
}

function idOf(positional: readonly string[]): string | null {
  if (positional.length !== 1 || !positional[0]) {
    process.stderr.write('plugtrust: give exactly one contract id\n');
    return null;
  }
  return positional[0];
}

async function showCommand(argv: string[]): Promise<number> {
  const p = parseCommand(argv, [], 'Usage: plugtrust contract show ID\n');
  if ('exit' in p) return p.exit;
  const id = idOf(p.flags.positional);
  if (!id) return 2;
  return withContracts(p.config, async (s) => {
    print(presentContract(await s.get(id)));
    return 0;
  });
}

async function revokeCommand(argv: string[]): Promise<number> {
  const p = parseCommand(argv, [{ name: '--reason', kind: 'value' }], `Usage: plugtrust contract revoke ID [--reason REASON]

  --reason  ${CONTRACT_REVOCATION_REASONS.join(', ')} (default cessationOfOperation)
`);
  if ('exit' in p) return p.exit;
  const id = idOf(p.flags.positional);
  if (!id) return 2;
  const reason = one(p.flags, '--reason') ?? 'cessationOfOperation';
  return withContracts(p.config, async (s) => {
    print(presentContract(await s.revoke(id, { reason: reason as ContractRevocationReason, requestedBy: actor() })));
    return 0;
  });
}

async function deleteCommand(argv: string[]): Promise<number> {
  const p = parseCommand(argv, [], 'Usage: plugtrust contract delete ID\n');
  if ('exit' in p) return p.exit;
  const id = idOf(p.flags.positional);
  if (!id) return 2;
  return withContracts(p.config, async (s) => {
    print(presentContract(await s.delete(id, { requestedBy: actor() })));
    return 0;
  });
}
