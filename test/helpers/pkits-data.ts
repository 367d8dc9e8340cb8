// Where the NIST PKITS files live on this machine: $PKITS_DIR, else the Debian/Ubuntu package
// python3-cryptography-vectors (which CI installs). The files are external test vectors, read
// as they are; nothing is copied into the repository.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PKITS_ANCHOR, PKITS_ANCHOR_CRL, type PkitsCase } from './pkits-cases.js';

export const PKITS_PACKAGE = 'python3-cryptography-vectors';
const PACKAGE_DIR = '/usr/lib/python3/dist-packages/cryptography_vectors/x509/PKITS_data';

/** The PKITS_data directory (holding certs/ and crls/), or undefined when not installed. */
export function findPkitsData(): string | undefined {
  for (const dir of [process.env.PKITS_DIR, PACKAGE_DIR]) {
    if (dir && existsSync(join(dir, 'certs', `${PKITS_ANCHOR}.crt`))) return dir;
  }
  return undefined;
}

export interface PkitsInputs {
  chain: Uint8Array[];
  anchors: Uint8Array[];
  crls: Uint8Array[];
  otherCertificates: Uint8Array[];
}

export function loadPkitsCase(dir: string, c: PkitsCase): PkitsInputs {
  const cert = (name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, 'certs', `${name}.crt`)));
  const crl = (name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, 'crls', `${name}.crl`)));
  return {
    chain: [c.leaf, ...c.path].map(cert),
    anchors: [cert(PKITS_ANCHOR)],
    crls: [PKITS_ANCHOR_CRL, ...c.crls].map(crl),
    otherCertificates: (c.others ?? []).map(cert),
  };
}
