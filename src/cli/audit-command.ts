// `plugtrust audit verify`: recomputes the CA audit log's hash chain and names the first record
// that was removed or edited.
import { verifyAuditChain, GENESIS_HASH } from '../../pki/audit-chain.js';
import { bytesToHex } from '../../pki/der/writer.js';
import { openCaContext, parseCommand } from './ca-context.js';

const PAGE = 1000;

export async function auditCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'verify') {
    process.stdout.write('Usage: plugtrust audit verify\n\nChecks the hash chain of the CA audit log.\n');
    return sub === '--help' || sub === '-h' ? 0 : 2;
  }
  const p = parseCommand(rest, [], `Usage: plugtrust audit verify

Recomputes the hash chain of the CA audit log from the first record. Exit code 0 when intact; 1
naming the first record that was removed, reordered or edited. Prints the head (last seq and hash):
keep it elsewhere to detect later truncation of the tail, which no chain can show by itself.
`);
  if ('exit' in p) return p.exit;
  const ctx = await openCaContext(p.config);
  try {
    let head: { seq: number; hash: Uint8Array } = { seq: 0, hash: GENESIS_HASH };
    let count = 0;
    for (;;) {
      const page = await ctx.store.caAudit.page(head.seq, PAGE);
      if (page.length === 0) break;
      const problem = verifyAuditChain(page, head);
      if (problem) {
        const what = problem.problem === 'gap' ? 'is missing (removed)' : problem.problem === 'prev-hash-mismatch' ? 'does not chain to the record before it (a record before it was edited, removed or reordered)' : 'was edited after it was written';
        process.stdout.write(`audit log BROKEN: record ${problem.seq} ${what}; ${count} records before it are intact\n`);
        return 1;
      }
      const last = page[page.length - 1]!;
      head = { seq: last.seq, hash: last.hash };
      count += page.length;
    }
    process.stdout.write(`audit log intact: ${count} records; head seq ${head.seq} sha256 ${bytesToHex(head.hash)}\n`);
    return 0;
  } finally {
    await ctx.close();
  }
}
