// Reads a V8 .cpuprofile and says where the time went: self time by package (or src/ folder) and
// the heaviest functions. Percentages are of the whole sampled wall time, idle included; a builtin
// function's time counts for the package that called it.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  byPackage: { name: string; pct: number }[];
  topFunctions: { name: string; pct: number }[];
}

/** The package a frame's code belongs to; null for a native (builtin) function without a URL. */
function packageOf(frame: CallFrame, root: string): string | null {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : null;
  if (url.startsWith('wasm://')) return 'wasm (PGlite)';
  if (url.startsWith('node:')) return 'node core';
  const path = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  const nm = path.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const parts = path.slice(nm + '/node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? 'node_modules');
  }
  if (path.startsWith(root)) {
    const rel = relative(root, path).split('/');
    return rel.length > 2 ? `${rel[0]}/${rel[1]}` : rel.join('/');
  }
  return 'other';
}

function shortUrl(url: string, root: string): string {
  if (!url) return '';
  const path = url.startsWith('file://') ? decodeURIComponent(url.slice('file://'.length)) : url;
  const nm = path.lastIndexOf('/node_modules/');
  if (nm !== -1) return path.slice(nm + '/node_modules/'.length);
  return path.startsWith(root) ? relative(root, path) : path;
}

export function summarizeProfile(file: string, root: string, top = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // A builtin (writev, JSON.parse, ...) counts for the package that called it.
  const pkgCache = new Map<number, string>();
  const pkgOfNode = (id: number): string => {
    const cached = pkgCache.get(id);
    if (cached) return cached;
    const node = byId.get(id);
    let p = node ? packageOf(node.callFrame, root) : 'other';
    if (p === null) {
      const up = parent.get(id);
      p = up === undefined ? '(native)' : pkgOfNode(up);
    }
    pkgCache.set(id, p);
    return p;
  };
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // Each sample stands for the time until the next one.
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (deltas[i + 1] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0) || 1;
  const pkg = new Map<string, number>();
  const fn = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const f = node.callFrame;
    const p = pkgOfNode(id);
    pkg.set(p, (pkg.get(p) ?? 0) + us);
    const name = f.url ? `${f.functionName || '(anonymous)'}  ${shortUrl(f.url, root)}:${f.lineNumber + 1}` : `${f.functionName || '(anonymous)'}${f.functionName.startsWith('(') ? '' : `  [builtin, from ${p}]`}`;
    fn.set(name, (fn.get(name) ?? 0) + us);
  }
  const pct = (us: number): number => Math.round((us / total) * 1000) / 10;
  const sorted = (m: Map<string, number>, n: number): { name: string; pct: number }[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({ name, pct: pct(us) }));
  return { file: relative(root, file), totalMs: Math.round(total / 1000), byPackage: sorted(pkg, 12), topFunctions: sorted(fn, top) };
}
