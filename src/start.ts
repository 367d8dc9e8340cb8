// Starting the server from an entry point: the embedded database starts on its own thread first,
// then the server's modules load (a second or two) while it opens. Entry points that import
// main.ts statically load everything before the database can start.
import type { Config } from './config.js';
import { applyGcTuning } from './gc-tuning.js';
import type { RunningCsms, StartOptions, startCsms } from './main.js';
import { openDb } from './store/db.js';

export async function openAndStartCsms(config: Config, options: Omit<StartOptions, 'db'> = {}): Promise<RunningCsms> {
  const gcTuning = config.gcTuning ? applyGcTuning() : [];
  const db = openDb({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  let start: typeof startCsms;
  try {
    ({ startCsms: start } = await import('./main.js'));
  } catch (err) {
    await db.then((d) => d.close(), () => undefined);
    throw err;
  }
  const csms = await start(config, { ...options, db });
  csms.log.info({ gcTuning }, gcTuning.length > 0 ? 'V8 garbage collector tuned for many connections' : 'V8 garbage collector not tuned');
  return csms;
}
