// Starting the server from an entry point: the embedded database starts on its own thread first,
// then the server's modules load (a second or two) while it opens. Entry points that import
// main.ts statically load everything before the database can start.
import type { Config } from './config.js';
import type { RunningCsms, StartOptions, startCsms } from './main.js';
import { openDb } from './store/db.js';

export async function openAndStartCsms(config: Config, options: Omit<StartOptions, 'db'> = {}): Promise<RunningCsms> {
  const db = openDb({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  let start: typeof startCsms;
  try {
    ({ startCsms: start } = await import('./main.js'));
  } catch (err) {
    await db.then((d) => d.close(), () => undefined);
    throw err;
  }
  return start(config, { ...options, db });
}
