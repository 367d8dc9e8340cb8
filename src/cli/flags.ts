// A command's own flags, apart from the shared settings (which go on to loadConfig).
export interface FlagSpec {
  name: string;
  /** 'value' takes the next argument; 'list' may repeat; 'switch' takes none. */
  kind: 'value' | 'list' | 'switch';
}

export interface SplitFlags {
  own: Map<string, string[]>;
  positional: string[];
  /** Everything else, for loadConfig. */
  rest: string[];
  problems: string[];
}

export function splitFlags(argv: readonly string[], specs: readonly FlagSpec[], sharedFlags: ReadonlyMap<string, 'value' | 'switch'>): SplitFlags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const out: SplitFlags = { own: new Map(), positional: [], rest: [], problems: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('--')) {
      out.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const spec = byName.get(name);
    if (!spec) {
      out.rest.push(arg);
      const shared = sharedFlags.get(name) === 'value';
      if (shared && eq === -1 && i + 1 < argv.length && !(argv[i + 1] ?? '').startsWith('--')) out.rest.push(argv[++i] ?? '');
      continue;
    }
    let value: string;
    if (spec.kind === 'switch') value = 'true';
    else if (eq !== -1) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length) value = argv[++i] ?? '';
    else {
      out.problems.push(`${name}: needs a value`);
      continue;
    }
    const list = out.own.get(spec.name) ?? [];
    if (spec.kind !== 'list' && list.length > 0) out.problems.push(`${name}: given twice`);
    list.push(value);
    out.own.set(spec.name, list);
  }
  return out;
}
