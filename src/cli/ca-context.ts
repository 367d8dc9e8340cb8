// What the CA commands share: config, the database (migrated), and the CA service.
import { createCaService, type CaService } from '../ca/ca-service.js';
import { kekSource } from '../ca/kek-source.js';
import type { Kek } from '../ca/key-vault.js';
import { loadConfig, settingsHelp, type Config } from '../config.js';
import { SETTINGS } from '../config-settings.js';
import { createLogger, type Logger } from '../log.js';
import { openDb } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { createStore, type Store } from '../store/store.js';
import { splitFlags, type FlagSpec, type SplitFlags } from './flags.js';

export interface CaContext {
  config: Config;
  store: Store;
  ca: CaService;
  kek: () => Kek;
  log: Logger;
  close(): Promise<void>;
}

export const SHARED_FLAGS: ReadonlyMap<string, 'value' | 'switch'> = new Map(SETTINGS.map((s) => [s.flag, s.type === 'boolean' ? 'switch' : 'value']));

export function publicBaseUrl(config: Config): string {
  return config.publicUrl ?? `http://localhost:${config.httpPort}`;
}

export async function openCaContext(config: Config): Promise<CaContext> {
  // CLI commands print results on stdout; logs go to stderr at warn and above.
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr);
  const db = await openDb({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  const store = createStore(db);
  const kek = kekSource({ caKekFile: config.caKekFile, dataDir: config.dataDir, log });
  const ca = createCaService({ store, kek, publicBaseUrl: publicBaseUrl(config), log });
  return { config, store, ca, kek, log, close: () => db.close() };
}

export type Parsed = { flags: SplitFlags; config: Config } | { exit: number };

/** Splits a command's own flags from the shared settings; prints help or problems. */
export function parseCommand(argv: readonly string[], specs: readonly FlagSpec[], help: string): Parsed {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${help}\nShared options (flag, environment variable):\n${settingsHelp()}\n`);
    return { exit: 0 };
  }
  const flags = splitFlags(argv, specs, SHARED_FLAGS);
  let config: Config;
  try {
    config = loadConfig({ argv: flags.rest });
  } catch (err) {
    process.stderr.write(`plugtrust: ${(err as Error).message}\n`);
    return { exit: 2 };
  }
  if (flags.problems.length > 0) {
    process.stderr.write(`plugtrust: ${flags.problems.join('; ')}\n`);
    return { exit: 2 };
  }
  return { flags, config };
}

export const one = (f: SplitFlags, name: string): string | undefined => f.own.get(name)?.[0];
