// EXI fragments for XML signatures in ISO 15118-2: each Reference digests the EXI *fragment*
// encoding of the referenced element, and SignatureValue signs the fragment encoding of SignedInfo
// ([V2G2-771], canonicalization http://www.w3.org/TR/canonical-exi/). Each fragment is its own EXI
// stream: header 0x80, a fresh string table, SE(element), the element, ED.
import { writeInstallationRequest, writeUpdateRequest } from './body-codec.js';
import { KEYS, writeCertificateChain, writeIdentifiedBytes } from './data-types-codec.js';
import { asExiError, ExiError } from './exi-error.js';
import { ExiWriter } from './exi-stream.js';
import { DSIG_FRAGMENT, LIMITS, MESSAGE_FRAGMENT, RELAXED_FRAGMENT } from './schema.js';
import type {
  CertificateChain,
  CertificateInstallationRequest,
  CertificateUpdateRequest,
  IdentifiedBytes,
  IdentifiedEmaid,
  SignedInfo,
} from './types.js';
import { writeSignedInfo } from './xmldsig-codec.js';

// The elements a certificate message signature references.
export type DigestedElement =
  | { readonly name: 'CertificateInstallationReq'; readonly value: CertificateInstallationRequest }
  | { readonly name: 'CertificateUpdateReq'; readonly value: CertificateUpdateRequest }
  | { readonly name: 'ContractSignatureCertChain'; readonly value: CertificateChain }
  | { readonly name: 'ContractSignatureEncryptedPrivateKey'; readonly value: IdentifiedBytes }
  | { readonly name: 'DHpublickey'; readonly value: IdentifiedBytes }
  | { readonly name: 'eMAID'; readonly value: IdentifiedEmaid };

// SignedInfo with the fragment grammar of xmldsig-core-schema.xsd alone (not the ISO 15118-2
// message fragment grammar): that is what EVs and contract certificate services sign.
export function encodeSignedInfoFragment(signedInfo: SignedInfo): Uint8Array {
  try {
    const w = new ExiWriter();
    w.writeCode(DSIG_FRAGMENT.signedInfo, DSIG_FRAGMENT.count);
    writeSignedInfo(w, signedInfo);
    w.writeCode(DSIG_FRAGMENT.ed, DSIG_FRAGMENT.count);
    return w.toBytes();
  } catch (error) {
    throw asExiError(error);
  }
}

// A referenced element with the schema-informed fragment grammar of urn:iso:15118:2:2013:MsgDef.
export function encodeElementFragment(element: DigestedElement): Uint8Array {
  try {
    const w = new ExiWriter();
    w.writeCode(MESSAGE_FRAGMENT.index[element.name], MESSAGE_FRAGMENT.count);
    switch (element.name) {
      case 'CertificateInstallationReq':
        writeInstallationRequest(w, element.value);
        break;
      case 'CertificateUpdateReq':
        writeUpdateRequest(w, element.value);
        break;
      case 'ContractSignatureCertChain':
        writeCertificateChain(w, element.value);
        break;
      case 'ContractSignatureEncryptedPrivateKey':
        writeIdentifiedBytes(w, element.value, LIMITS.privateKey);
        break;
      case 'DHpublickey':
        writeIdentifiedBytes(w, element.value, LIMITS.dhPublicKey);
        break;
      case 'eMAID':
        writeRelaxedEmaid(w, element.value);
        break;
    }
    w.writeCode(MESSAGE_FRAGMENT.ed, MESSAGE_FRAGMENT.count);
    return w.toBytes();
  } catch (error) {
    throw asExiError(error);
  }
}

// {MsgBody}eMAID is declared with two types (eMAIDType and EMAIDType), so EXI 1.0 8.5.3 gives it the
// relaxed ElementFragment grammar: AT({MsgDataTypes}Id) then CH [untyped] in ElementFragment0 (9-bit
// codes), then EE in ElementFragment2 (8-bit codes). Codes and counts are derived in schema.ts.
function writeRelaxedEmaid(w: ExiWriter, emaid: IdentifiedEmaid): void {
  if (emaid.id.length === 0) throw new ExiError('INVALID_MESSAGE', 'eMAID needs an Id');
  w.writeCode(RELAXED_FRAGMENT.start.idOfMsgDataTypes, RELAXED_FRAGMENT.start.count);
  w.strings.write(w.bits, KEYS.typesId, emaid.id);
  w.writeCode(RELAXED_FRAGMENT.start.characters, RELAXED_FRAGMENT.start.count);
  w.strings.write(w.bits, KEYS.emaid, emaid.value);
  w.writeCode(RELAXED_FRAGMENT.content.ee, RELAXED_FRAGMENT.content.count);
}
