// Step 5 of the issuance cycle: the signature. Only a LintedTbs gets here, and only once.
import { signatureAlgorithmId } from '../algorithms.js';
import { bitString, seq } from '../der/writer.js';
import { PkiError } from '../errors.js';
import type { Signer } from '../signer.js';
import type { LintedTbs } from './lint-tbs.js';

export async function signCertificate(linted: LintedTbs, signer: Signer): Promise<Uint8Array> {
  // The TBS names its signature algorithm; a signer of another algorithm would produce a
  // certificate whose inner and outer algorithms differ (RFC 5280 4.1.1.2).
  if (signer.algorithm !== linted.signatureAlgorithm) throw new PkiError('UNSUPPORTED_ALGORITHM', `the signer produces ${signer.algorithm}, the certificate names ${linted.signatureAlgorithm}`);
  const tbs = linted.take();
  const sig = await signer.sign(tbs);
  if (!(sig instanceof Uint8Array) || sig.length === 0) throw new PkiError('BAD_SIGNATURE', 'the signer returned no signature');
  return seq(tbs, signatureAlgorithmId(signer.algorithm), bitString(sig));
}
