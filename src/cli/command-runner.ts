// What the CLI command groups (`plugtrust pki`, `plugtrust contract`) share: dispatching to a
// sub-command, and running a command over an open CA context whose refusals are printed as
// "plugtrust: CODE: message" with their details on stderr and exit code 1.
import { openCaContext, type CaContext } from './ca-context.js';

export type Command = (argv: string[]) => Promise<number>;

/** An error a command reports to the user instead of crashing (CaError, ContractError). */
export interface Refusal {
  code: string;
  message: string;
  details?: readonly { code: string; detail: string }[] | undefined;
}

type RefusalClass = abstract new (...args: never[]) => Refusal;

/** `plugtrust <group> <command> ...`: no command prints the usage and exits 2, --help exits 0. */
export async function dispatchCommand(group: string, usage: string, commands: Readonly<Record<string, Command>>, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    process.stdout.write(usage);
    return sub === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(commands, sub) ? commands[sub] : undefined;
  if (!command) {
    process.stderr.write(`plugtrust ${group}: unknown command '${sub}'\n\n${usage}`);
    return 2;
  }
  return command(rest);
}

/** Runs `fn` with an open CA context, closed afterwards; errors of the `refusals` classes exit 1. */
export async function withCaContext(config: CaContext['config'], refusals: readonly RefusalClass[], fn: (ctx: CaContext) => Promise<number>): Promise<number> {
  const ctx = await openCaContext(config);
  try {
    return await fn(ctx);
  } catch (err) {
    const refusal = refusals.some((r) => err instanceof r) ? (err as Refusal) : null;
    if (refusal) {
      process.stderr.write(`plugtrust: ${refusal.code}: ${refusal.message}\n${(refusal.details ?? []).map((d) => `  - ${d.code}: ${d.detail}\n`).join('')}`);
      return 1;
    }
    throw err;
  } finally {
    await ctx.close();
  }
}
