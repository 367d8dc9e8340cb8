// Which signing certificates we accept for a manufacturer's firmware signature: a path to one of
// the configured manufacturer roots (the roots the stations hold as ManufacturerRootCertificate),
// RFC 5280 path validation by pki/path, with digitalSignature in the leaf's keyUsage.
import { readFileSync } from 'node:fs';
import { pemBlocks, toPem } from '../../pki/certificate/parse-certificate.js';
import { validatePath } from '../../pki/path/validate-path.js';
import { FirmwareError } from './firmware-error.js';
import { MAX_SIGNING_CERTIFICATE_PEM } from './image-signature.js';

/** The PEM bundle of manufacturer roots; an unreadable or empty file fails the start. */
export function loadManufacturerRoots(file: string): Uint8Array[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FirmwareError('FW_NO_MANUFACTURER_ROOTS', `cannot read the manufacturer roots file ${file}: ${(err as Error).message}`);
  }
  const roots = pemBlocks(text, 'CERTIFICATE');
  if (roots.length === 0) throw new FirmwareError('FW_NO_MANUFACTURER_ROOTS', `${file} holds no PEM certificate`);
  return roots;
}

export interface SigningCertificate {
  /** DER, leaf first, then intermediates as given. */
  chain: Uint8Array[];
  /** The leaf as PEM (UpdateFirmware signingCertificate) and the intermediates as PEM, if any. */
  leafPem: string;
  intermediatesPem: string | null;
}

/** Reads the PEM signing certificate (leaf first, optional intermediates). */
export function readSigningCertificate(pem: string): SigningCertificate {
  let chain: Uint8Array[];
  try {
    chain = pemBlocks(pem, 'CERTIFICATE');
  } catch {
    throw new FirmwareError('FW_CERTIFICATE_MALFORMED', 'the signing certificate is not valid PEM');
  }
  const [leaf, ...rest] = chain;
  if (!leaf) throw new FirmwareError('FW_CERTIFICATE_MALFORMED', 'no PEM CERTIFICATE block in signingCertificate');
  const leafPem = toPem(leaf, 'CERTIFICATE');
  if (leafPem.length > MAX_SIGNING_CERTIFICATE_PEM) throw new FirmwareError('FW_CERTIFICATE_MALFORMED', `the signing certificate exceeds ${MAX_SIGNING_CERTIFICATE_PEM} characters as PEM (UpdateFirmwareRequest firmware.signingCertificate)`);
  return { chain, leafPem, intermediatesPem: rest.length ? rest.map((d) => toPem(d, 'CERTIFICATE')).join('') : null };
}

/** Throws FW_CERTIFICATE_UNTRUSTED naming the path validation failure, or FW_NO_MANUFACTURER_ROOTS. */
export async function verifySigningCertificate(chain: readonly Uint8Array[], roots: readonly Uint8Array[], at: Date): Promise<void> {
  if (roots.length === 0) throw new FirmwareError('FW_NO_MANUFACTURER_ROOTS', 'no manufacturer roots are configured (--firmware-roots-file): manufacturer signatures cannot be verified');
  const result = await validatePath({ chain, anchors: roots, at, revocation: 'if-available', requiredLeafKeyUsage: ['digitalSignature'] });
  if (!result.ok) {
    const which = result.index === 0 ? 'the signing certificate' : `certificate ${result.index} of the chain`;
    throw new FirmwareError('FW_CERTIFICATE_UNTRUSTED', `${which} does not validate against the manufacturer roots: ${result.code}: ${result.detail}`, [{ code: result.code, detail: result.detail }]);
  }
}
