// Further MO roots for uploaded contract certificates, from the PEM file named by --mo-roots-file.
import { readFileSync } from 'node:fs';
import { parseCertificate, pemBlocks } from '../../pki/certificate/parse-certificate.js';
import { ConfigError } from '../config.js';

export function loadMoRootsFile(path: string | undefined): Uint8Array[] {
  if (path === undefined) return [];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('CONFIG_FILE_UNREADABLE', [`moRootsFile ${path}: ${(err as Error).message}`]);
  }
  const roots = pemBlocks(text, 'CERTIFICATE');
  if (roots.length === 0) throw new ConfigError('CONFIG_INVALID', [`moRootsFile ${path}: no PEM CERTIFICATE block`]);
  roots.forEach((der, i) => {
    try {
      parseCertificate(der);
    } catch (err) {
      throw new ConfigError('CONFIG_INVALID', [`moRootsFile ${path}: certificate ${i + 1} cannot be read: ${(err as Error).message}`]);
    }
  });
  return roots;
}
