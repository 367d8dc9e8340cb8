// IPC between the benchmark's processes over Node's child-process channel: the parent sends
// numbered requests, the child answers each once; the child may also push unsolicited events.
// Children are started under a raised open-file limit and never outlive the parent.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface BenchRequest {
  seq: number;
  cmd: string;
  args: Record<string, unknown>;
}

export interface BenchReply {
  seq: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export interface BenchEvent {
  event: string;
  data: Record<string, unknown>;
}

type Handler = (args: Record<string, unknown>) => unknown;

/** Child side: answer the parent's requests; exit when the parent goes away or after maxLifeMs. */
export function serveParent(handlers: Record<string, Handler>, maxLifeMs: number): void {
  if (!process.send) throw new Error('this entry point must be started by test/bench/ocpp.ts (no IPC channel)');
  const life = setTimeout(() => {
    process.stderr.write(`bench child ${process.pid}: lifetime of ${maxLifeMs} ms exceeded, exiting\n`);
    process.exit(3);
  }, maxLifeMs);
  life.unref();
  process.on('disconnect', () => process.exit(0));
  process.on('message', (raw: unknown) => {
    const req = raw as BenchRequest;
    if (typeof req?.seq !== 'number' || typeof req.cmd !== 'string') return;
    const handler = handlers[req.cmd];
    const reply = (r: BenchReply): void => {
      if (process.connected) process.send?.(r);
    };
    if (!handler) return reply({ seq: req.seq, ok: false, error: `unknown command ${req.cmd}` });
    Promise.resolve()
      .then(() => handler(req.args ?? {}))
      .then(
        (result) => reply({ seq: req.seq, ok: true, result }),
        (err: unknown) => reply({ seq: req.seq, ok: false, error: err instanceof Error ? err.message : String(err) }),
      );
  });
}

/** Child side: an unsolicited message to the parent. */
export function emitToParent(event: string, data: Record<string, unknown>): void {
  if (process.connected) process.send?.({ event, data } satisfies BenchEvent);
}

/** The soft limit on open files of this process. */
export function ownFdLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
  } catch {
    return Number.NaN;
  }
}

const LIVE = new Set<ChildProcess>();

/** Kills every child still running (SIGKILL); safe to call from an 'exit' handler. */
export function killAllChildren(): void {
  for (const c of LIVE) {
    try {
      c.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  LIVE.clear();
}

export interface SpawnOptions {
  name: string;
  script: string;
  args: string[];
  nodeArgs?: string[];
  env?: NodeJS.ProcessEnv;
}

/** Parent side: one child process and its request channel. */
export class BenchChild {
  readonly proc: ChildProcess;
  readonly name: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private readonly listeners = new Map<string, ((data: Record<string, unknown>) => void)[]>();
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  constructor(opts: SpawnOptions) {
    this.name = opts.name;
    // Raise the soft open-file limit to the hard one, then become node (same pid, so kill -9
    // hits node itself and the IPC channel on fd 3 survives the exec).
    const shell = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"';
    this.proc = spawn('/bin/sh', ['-c', shell, 'sh', process.execPath, ...(opts.nodeArgs ?? []), '--import', 'tsx', opts.script, ...opts.args], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, ...opts.env },
    });
    LIVE.add(this.proc);
    for (const stream of [this.proc.stdout, this.proc.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => process.stderr.write(`[${this.name}] ${line}\n`));
    }
    this.proc.on('message', (raw: unknown) => this.onMessage(raw));
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        LIVE.delete(this.proc);
        this.exitInfo = { code, signal };
        for (const [, p] of this.pending) {
          clearTimeout(p.timer);
          p.reject(new Error(`${this.name} exited (code ${code}, signal ${signal}) before answering`));
        }
        this.pending.clear();
        resolve({ code, signal });
      });
    });
    this.proc.on('error', (err) => process.stderr.write(`[${this.name}] spawn error: ${err.message}\n`));
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  get alive(): boolean {
    return this.exitInfo === null;
  }

  request<T>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<T> {
    if (!this.alive || !this.proc.connected) return Promise.reject(new Error(`${this.name} is not running`));
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new Error(`${this.name}: no answer to ${cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(seq, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.proc.send({ seq, cmd, args } satisfies BenchRequest);
    });
  }

  /** Resolves with the data of the next event of that name. */
  once(event: string, timeoutMs: number): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no '${event}' within ${timeoutMs} ms`)), timeoutMs);
      const list = this.listeners.get(event) ?? [];
      list.push((data) => {
        clearTimeout(timer);
        resolve(data);
      });
      this.listeners.set(event, list);
      void this.exited.then((x) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (code ${x.code}, signal ${x.signal}) before '${event}'`));
      });
    });
  }

  /** Asks the child to stop by itself, then kills it if it has not exited within the time. */
  async shutdown(timeoutMs = 15_000): Promise<void> {
    if (this.alive) await this.request('shutdown', {}, timeoutMs).catch(() => undefined);
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 2000).unref())]);
    await this.kill();
  }

  /** SIGKILL, then wait (bounded) for the exit. */
  async kill(timeoutMs = 10_000): Promise<void> {
    if (this.alive) this.proc.kill('SIGKILL');
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  private onMessage(raw: unknown): void {
    const msg = raw as Partial<BenchReply & BenchEvent>;
    if (typeof msg.seq === 'number') {
      const p = this.pending.get(msg.seq);
      if (!p) return;
      this.pending.delete(msg.seq);
      clearTimeout(p.timer);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(`${this.name}: ${msg.error ?? 'failed'}`));
      return;
    }
    if (typeof msg.event === 'string') {
      const list = this.listeners.get(msg.event);
      this.listeners.delete(msg.event);
      for (const l of list ?? []) l(msg.data ?? {});
    }
  }
}
