// `plugtrust start` and `plugtrust migrate`.
import { ConfigError, loadConfig, settingsHelp, type Config } from '../config.js';
import { createLogger } from '../log.js';
import { openAndStartCsms } from '../start.js';
import { openDb } from '../store/db.js';
import { migrate } from '../store/migrate.js';
import { readFdLimits, reexecWithRaisedFdLimit } from './fd-limit.js';

const START_HELP = `Usage: plugtrust start [options]

Runs the CSMS: OCPP 2.0.1 stations connect to ws://HOST:OCPP_PORT/ocpp/<stationId>
(subprotocol ocpp2.0.1); the operator API and its OpenAPI docs are at http://HOST:HTTP_PORT/docs.
Without DATABASE_URL an embedded PostgreSQL keeps its data under the data directory.

Options (flag, environment variable):
`;

const MIGRATE_HELP = `Usage: plugtrust migrate [options]

Applies pending database migrations (under an advisory lock) and exits.

Options (flag, environment variable):
`;

function configOrExit(argv: string[], help: string): Config | number {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${help}${settingsHelp()}\n`);
    return 0;
  }
  try {
    return loadConfig({ argv });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`plugtrust: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

export async function startCommand(argv: string[]): Promise<number> {
  const config = configOrExit(argv, START_HELP);
  if (typeof config === 'number') return config;
  const reexec = reexecWithRaisedFdLimit();
  if (reexec) return reexec;
  const log = createLogger(config.logLevel);
  // One socket per station: the soft limit was raised to the hard one above (or already was).
  log.info({ openFiles: readFdLimits() }, 'open-file limit');
  const csms = await openAndStartCsms(config, { log });
  if (csms.generatedCredential) {
    const { clientId, secret } = csms.generatedCredential;
    // Shown once, on stdout only, never in the log.
    process.stdout.write(
      `\nCreated the first operator credential. Store it now; it is not shown again.\n  client_id:     ${clientId}\n  client_secret: ${secret}\n` +
        `Get a token: curl -s -u ${clientId}:<secret> -d grant_type=client_credentials http://localhost:${csms.httpPort}/api/v1/auth/token\n\n`,
    );
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await csms.close();
  return 0;
}

export async function migrateCommand(argv: string[]): Promise<number> {
  const config = configOrExit(argv, MIGRATE_HELP);
  if (typeof config === 'number') return config;
  const db = await openDb({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    const result = await migrate(db);
    process.stdout.write(result.applied.length > 0 ? `applied: ${result.applied.join(', ')}\n` : `up to date (schema version ${result.current})\n`);
    return 0;
  } finally {
    await db.close();
  }
}
