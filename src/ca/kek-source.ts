// Where the key-encryption key comes from: the configured file, or by default a file in the data
// directory that is created (mode 0600) the first time a CA key is stored. Keeping the KEK on
// other storage than the database (a mounted secret, a separate volume) is what protects the keys
// of a stolen database dump; the README says so.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Logger } from '../log.js';
import { loadKek, type Kek } from './key-vault.js';

export function kekSource(opts: { caKekFile?: string | undefined; dataDir: string; log: Logger }): () => Kek {
  let kek: Kek | null = null;
  return () => {
    if (kek) return kek;
    if (opts.caKekFile) {
      kek = loadKek(opts.caKekFile);
      return kek;
    }
    const path = resolve(opts.dataDir, 'ca-kek.key');
    if (!existsSync(path)) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
      opts.log.warn({ path }, 'created a key-encryption key for CA keys in the data directory; keep a copy apart from the database, or set --ca-kek-file');
    }
    kek = loadKek(path);
    return kek;
  };
}
