// A CSMS holds one socket per station: raise the open-file soft limit to the hard limit at start.
// Node cannot call setrlimit itself, so the process re-executes once under `ulimit -n`.
import { execFileSync, spawn } from 'node:child_process';

const MARK = 'PLUGTRUST_FD_LIMIT_RAISED';

export function readFdLimits(): { soft: number; hard: number } | null {
  try {
    const out = execFileSync('/bin/sh', ['-c', 'ulimit -Sn; ulimit -Hn'], { encoding: 'utf8' }).trim().split('\n');
    const parse = (s: string | undefined): number => (s === 'unlimited' ? Number.POSITIVE_INFINITY : Number(s));
    return { soft: parse(out[0]), hard: parse(out[1]) };
  } catch {
    return null;
  }
}

/**
 * Returns null when this process already runs at the hard limit (or cannot raise it); otherwise
 * runs this same command again under the raised limit and resolves with its exit code.
 */
export function reexecWithRaisedFdLimit(): Promise<number> | null {
  if (process.env[MARK]) return null;
  const limits = readFdLimits();
  if (!limits || limits.soft >= limits.hard) return null;
  const hard = Number.isFinite(limits.hard) ? String(limits.hard) : 'unlimited';
  const child = spawn('/bin/sh', ['-c', 'ulimit -n "$0" && exec "$@"', hard, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [MARK]: '1' },
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => child.kill(sig));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
}
