// Starts the real CSMS on ephemeral ports over a test database, as `plugtrust start` would.
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { startCsms, type RunningCsms, type StartOptions } from '../../src/main.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';

export interface TestCsms extends RunningCsms {
  ocppUrl: string;
  httpUrl: string;
  operatorSecret: string;
  database: TestDatabase;
  stop(): Promise<void>;
}

export async function startTestCsms(argv: string[] = [], options: StartOptions = {}, database?: TestDatabase): Promise<TestCsms> {
  const db = database ?? (await createTestDatabase());
  const env: NodeJS.ProcessEnv = db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {};
  const config = loadConfig({
    // Security profiles are switched off unless a test asks for them (--station-auth enforce):
    // most protocol tests connect stations without credentials.
    argv: [...(argv.includes('--station-auth') ? [] : ['--station-auth', 'off']), '--ocpp-host', '127.0.0.1', '--ocpp-port', '0', '--http-host', '127.0.0.1', '--http-port', '0', '--data-dir', db.dataDir, '--log-level', 'silent', ...argv],
    env,
  });
  const csms = await startCsms(config, { log: silentLogger(), ...options });
  const operatorSecret = csms.generatedCredential?.secret ?? '';
  return Object.assign(csms, {
    ocppUrl: `ws://127.0.0.1:${csms.ocppPort}/ocpp`,
    httpUrl: `http://127.0.0.1:${csms.httpPort}`,
    operatorSecret,
    database: db,
    async stop() {
      await csms.close();
      if (!database) await db.dispose();
    },
  });
}
