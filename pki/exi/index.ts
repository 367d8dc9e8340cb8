// Public surface of the ISO 15118-2 EXI codec (certificate installation and update).
export { decodeV2gMessage, encodeV2gMessage } from './message-codec.js';
export { encodeElementFragment, encodeSignedInfoFragment, type DigestedElement } from './fragments.js';
export { ExiError, type ExiErrorCode } from './exi-error.js';
export * from './types.js';
export { buildSignedInfo, checkElementsSignature, ecdsaDerToRaw, signElements, CANONICAL_EXI, DIGEST_SHA256, ECDSA_SHA256, type SignatureProblem } from './message-signature.js';
