// PEM bodies of a contract upload, read into DER for the service. Unreadable input is the
// client's: a ContractError names which part is wrong.
import { pemBlocks } from '../../pki/certificate/parse-certificate.js';
import { ContractError } from '../contracts/contract-error.js';
import type { UploadContractBody } from './contract-schemas.js';

export interface UploadParts {
  certificate: Uint8Array;
  chain: Uint8Array[];
  privateKey: Uint8Array;
}

function blocks(text: string, label: string, code: 'CONTRACT_CERTIFICATE_INVALID' | 'CONTRACT_KEY_INVALID', what: string): Uint8Array[] {
  try {
    return pemBlocks(text, label);
  } catch {
    throw new ContractError(code, `${what} is not valid PEM (bad base64)`);
  }
}

export function readUploadParts(body: Pick<UploadContractBody, 'certificate' | 'chain' | 'privateKey'>): UploadParts {
  const certs = blocks(body.certificate, 'CERTIFICATE', 'CONTRACT_CERTIFICATE_INVALID', 'certificate');
  if (certs.length !== 1 || !certs[0]) throw new ContractError('CONTRACT_CERTIFICATE_INVALID', 'certificate must hold exactly one PEM CERTIFICATE block');
  const chain = body.chain === undefined ? [] : blocks(body.chain, 'CERTIFICATE', 'CONTRACT_CERTIFICATE_INVALID', 'chain');
  if (body.chain !== undefined && body.chain.trim() !== '' && chain.length === 0) throw new ContractError('CONTRACT_CERTIFICATE_INVALID', 'chain holds no PEM CERTIFICATE block');
  if (chain.length > 8) throw new ContractError('CONTRACT_CERTIFICATE_INVALID', 'chain holds more than 8 certificates (ISO 15118-2 allows two sub-CAs)');
  if (/-{5}BEGIN ENCRYPTED PRIVATE KEY-{5}/.test(body.privateKey)) throw new ContractError('CONTRACT_KEY_INVALID', 'the private key is encrypted; send it as unencrypted PKCS#8 over TLS: it is stored encrypted');
  const keys = blocks(body.privateKey, 'PRIVATE KEY', 'CONTRACT_KEY_INVALID', 'privateKey');
  if (keys.length !== 1 || !keys[0]) throw new ContractError('CONTRACT_KEY_INVALID', 'privateKey must hold exactly one PEM PRIVATE KEY block (PKCS#8)');
  return { certificate: certs[0], chain, privateKey: keys[0] };
}
