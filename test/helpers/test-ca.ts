// A CA service over a test database with a random key-encryption key.
import { randomBytes } from 'node:crypto';
import { createCaService, type CaService, type CaServiceOptions } from '../../src/ca/ca-service.js';
import { createKek, type Kek } from '../../src/ca/key-vault.js';
import { silentLogger } from '../../src/log.js';
import { openDb, type Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createStore, type Store } from '../../src/store/store.js';
import { createTestDatabase, type TestDatabase } from './test-db.js';

export interface TestCaService {
  tdb: TestDatabase;
  db: Db;
  store: Store;
  kek: Kek;
  ca: CaService;
  close(): Promise<void>;
}

export async function openTestCa(options: Partial<Omit<CaServiceOptions, 'store' | 'kek' | 'log'>> = {}): Promise<TestCaService> {
  const tdb = await createTestDatabase();
  const db = await openDb({ dataDir: tdb.dataDir, databaseUrl: tdb.databaseUrl });
  await migrate(db);
  const store = createStore(db);
  const kek = createKek(randomBytes(32));
  const ca = createCaService({ store, kek: () => kek, publicBaseUrl: 'http://127.0.0.1:8080', log: silentLogger(), ...options });
  return {
    tdb,
    db,
    store,
    kek,
    ca,
    async close() {
      await db.close();
      await tdb.dispose();
    },
  };
}

export const LAB = { organization: 'Test CPO', country: 'DE', serverNames: { dns: ['localhost'], ip: ['127.0.0.1'] }, requestedBy: 'test' } as const;
