// Reads a V8 .heapsnapshot and lists the object kinds that scale with the number of stations:
// self size by constructor (or node type), with count and bytes per station.
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface HeapSummary {
  file: string;
  totalMiB: number;
  stations: number;
  /** Kinds with at least one object per two stations, biggest first. */
  perStation: { kind: string; count: number; perStationBytes: number }[];
}

export function summarizeHeap(file: string, stations: number, top = 25): HeapSummary {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const fType = fields.indexOf('type');
  const fName = fields.indexOf('name');
  const fSize = fields.indexOf('self_size');
  const kinds = new Map<string, { count: number; bytes: number }>();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + fType]!] ?? 'unknown';
    const size = snap.nodes[i + fSize]!;
    total += size;
    // Objects by constructor name; everything else (strings, closures, code, arrays...) by type.
    const kind = type === 'object' ? (snap.strings[snap.nodes[i + fName]!] ?? 'object') : type === 'closure' ? `closure ${snap.strings[snap.nodes[i + fName]!] || '(anonymous)'}` : `(${type})`;
    const k = kinds.get(kind) ?? { count: 0, bytes: 0 };
    k.count++;
    k.bytes += size;
    kinds.set(kind, k);
  }
  const n = Math.max(1, stations);
  const perStation = [...kinds.entries()]
    .filter(([, v]) => v.count >= n / 2)
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, top)
    .map(([kind, v]) => ({ kind, count: v.count, perStationBytes: Math.round(v.bytes / n) }));
  return { file, totalMiB: Math.round((total / 2 ** 20) * 10) / 10, stations, perStation };
}
