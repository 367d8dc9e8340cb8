// A manufacturer's PKI made with openssl (independent of our CA): a root, a firmware signing
// certificate under it, and signatures made with `openssl dgst -sha256 -sign`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Manufacturer {
  dir: string;
  rootPem: string;
  rootFile: string;
  signerPem: string;
  /** Base64 of the DER ECDSA signature over `file`, made by openssl. */
  sign(file: string): string;
}

const run = (args: string[], cwd: string): void => void execFileSync('openssl', args, { cwd, stdio: 'pipe' });

export function makeManufacturer(name: string): Manufacturer {
  const dir = mkdtempSync(join(tmpdir(), `mfr-${name}-`));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run(['req', '-x509', ...ec, '-keyout', 'root.key', '-subj', `/CN=${name} Root/O=${name}`, '-days', '30', '-out', 'root.pem', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  run(['req', '-new', ...ec, '-keyout', 'signer.key', '-subj', `/CN=${name} Firmware Signer/O=${name}`, '-out', 'signer.csr'], dir);
  writeFileSync(join(dir, 'ext.cnf'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\n');
  run(['x509', '-req', '-in', 'signer.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-days', '30', '-extfile', 'ext.cnf', '-out', 'signer.pem'], dir);
  return {
    dir,
    rootPem: readFileSync(join(dir, 'root.pem'), 'utf8'),
    rootFile: join(dir, 'root.pem'),
    signerPem: readFileSync(join(dir, 'signer.pem'), 'utf8'),
    sign(file) {
      run(['dgst', '-sha256', '-sign', 'signer.key', '-out', 'sig.der', file], dir);
      return readFileSync(join(dir, 'sig.der')).toString('base64');
    },
  };
}
