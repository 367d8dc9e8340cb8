// The grammar inputs for the ISO 15118-2 (urn:iso:15118:2:2013:MsgDef) certificate messages,
// hand-derived from V2G_CI_MsgDef.xsd, V2G_CI_MsgHeader.xsd, V2G_CI_MsgBody.xsd,
// V2G_CI_MsgDataTypes.xsd and xmldsig-core-schema.xsd, in the published form where every ISO
// schema declares elementFormDefault and attributeFormDefault "qualified" (so the Id attributes
// live in the MsgBody and MsgDataTypes namespaces and xmldsig's stay unqualified).
import { element, VALUE, type TypeSpec } from './grammar.js';

export const NS = {
  def: 'urn:iso:15118:2:2013:MsgDef',
  header: 'urn:iso:15118:2:2013:MsgHeader',
  body: 'urn:iso:15118:2:2013:MsgBody',
  types: 'urn:iso:15118:2:2013:MsgDataTypes',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
  none: '',
} as const;

// String-table key of a qname (7.3.2: local value partitions are per qname).
export const qname = (uri: string, local: string): string => `{${uri}}${local}`;

// Document grammar (8.5.1): the 80 global elements of the five schemas sorted by local name then
// URI, plus SE(*): 81 codes, 7 bits; V2G_Message is the 77th (index 76).
export const DOCUMENT = { count: 81, v2gMessage: 76 } as const;

// Fragment grammar (8.5.2) over all 243 element qnames (global and local) of the five schemas,
// sorted by local name then URI (code-point order, so lower-case eMAID sorts last), plus SE(*) and
// ED: 245 codes, 8 bits.
export const MESSAGE_FRAGMENT = {
  count: 245,
  ed: 244,
  index: {
    CertificateInstallationReq: 15,
    CertificateUpdateReq: 17,
    ContractSignatureCertChain: 33,
    ContractSignatureEncryptedPrivateKey: 34,
    DHpublickey: 45,
    eMAID: 236,
  },
} as const;

// Relaxed element fragment grammar (8.5.3) for a qname declared with different types: {MsgBody}eMAID
// is eMAIDType in PaymentDetailsReq/CertificateUpdateReq and EMAIDType in the responses.
// ElementFragment0: AT(10 attribute qnames sorted: Algorithm, Encoding, Id, {MsgBody}Id,
// {MsgDataTypes}Id, MimeType, {MsgDataTypes}Name, Target, Type, URI), AT(*), SE(243 qnames), SE(*),
// EE, CH = 257 codes (9 bits). ElementFragment2 (after content): SE(243), SE(*), EE, CH = 246
// codes (8 bits).
export const RELAXED_FRAGMENT = {
  start: { count: 257, idOfMsgDataTypes: 4, characters: 256 },
  content: { count: 246, ee: 244 },
} as const;

// Fragment grammar over xmldsig-core-schema.xsd alone, used for SignedInfo: 45 element qnames plus
// SE(*) and ED = 47 codes (6 bits); SignedInfo is index 32.
export const DSIG_FRAGMENT = { count: 47, ed: 46, signedInfo: 32 } as const;

// BodyType: one optional BodyElement. 8.5.4.1.6 turns an element particle into one SE per element
// of its substitution group, sorted by local name then URI; the abstract head itself stays in that
// list (EXI does not drop abstract declarations): 34 members + BodyElement = 35 SE, + EE + escape
// = 37 codes, 6 bits. The request vector pins this down: CertificateInstallationReq is code 5.
export const BODY_ELEMENTS = [
  'AuthorizationReq', 'AuthorizationRes', 'BodyElement', 'CableCheckReq', 'CableCheckRes',
  'CertificateInstallationReq', 'CertificateInstallationRes', 'CertificateUpdateReq', 'CertificateUpdateRes',
  'ChargeParameterDiscoveryReq', 'ChargeParameterDiscoveryRes', 'ChargingStatusReq', 'ChargingStatusRes',
  'CurrentDemandReq', 'CurrentDemandRes', 'MeteringReceiptReq', 'MeteringReceiptRes',
  'PaymentDetailsReq', 'PaymentDetailsRes', 'PaymentServiceSelectionReq', 'PaymentServiceSelectionRes',
  'PowerDeliveryReq', 'PowerDeliveryRes', 'PreChargeReq', 'PreChargeRes',
  'ServiceDetailReq', 'ServiceDetailRes', 'ServiceDiscoveryReq', 'ServiceDiscoveryRes',
  'SessionSetupReq', 'SessionSetupRes', 'SessionStopReq', 'SessionStopRes',
  'WeldingDetectionReq', 'WeldingDetectionRes',
] as const;

const optionalId = [{ name: 'Id', required: false }];
const requiredId = [{ name: 'Id', required: true }];
const algorithm = [{ name: 'Algorithm', required: true }];

export const SPEC = {
  V2G_Message: { attributes: [], content: [element('Header'), element('Body')] },
  MessageHeader: {
    attributes: [],
    content: [element('SessionID'), element('Notification', 0), element('Signature', 0)],
  },
  Notification: { attributes: [], content: [element('FaultCode'), element('FaultMsg', 0)] },
  Body: { attributes: [], content: [{ kind: 'choice', names: BODY_ELEMENTS, min: 0 }] },
  // xmldsig SignatureType: SignedInfo, SignatureValue, KeyInfo?, Object*; Id?.
  Signature: {
    attributes: optionalId,
    content: [element('SignedInfo'), element('SignatureValue'), element('KeyInfo', 0), element('Object', 0, Infinity)],
  },
  SignedInfo: {
    attributes: optionalId,
    content: [element('CanonicalizationMethod'), element('SignatureMethod'), element('Reference', 1, Infinity)],
  },
  // Mixed content, (any ##any)*; Algorithm required.
  CanonicalizationMethod: { attributes: algorithm, content: [], mixedAny: true },
  // Mixed content, HMACOutputLength?, (any ##other)*; Algorithm required.
  SignatureMethod: { attributes: algorithm, content: [element('HMACOutputLength', 0)], mixedAny: true },
  // Attributes sorted: Id, Type, URI.
  Reference: {
    attributes: [
      { name: 'Id', required: false },
      { name: 'Type', required: false },
      { name: 'URI', required: false },
    ],
    content: [element('Transforms', 0), element('DigestMethod'), element('DigestValue')],
  },
  Transforms: { attributes: [], content: [element('Transform', 1, Infinity)] },
  // Mixed content, (any ##other | XPath)*: the start state offers SE(XPath), SE(*), EE, CH.
  Transform: { attributes: algorithm, content: [element('XPath', 0)], mixedAny: true },
  DigestMethod: { attributes: algorithm, content: [], mixedAny: true },
  // SignatureValueType: base64Binary simple content with Id?.
  SignatureValue: { attributes: optionalId, content: [VALUE] },
  X509IssuerSerial: { attributes: [], content: [element('X509IssuerName'), element('X509SerialNumber')] },
  CertificateInstallationReq: {
    attributes: requiredId,
    content: [element('OEMProvisioningCert'), element('ListOfRootCertificateIDs')],
  },
  CertificateInstallationRes: {
    attributes: [],
    content: [
      element('ResponseCode'),
      element('SAProvisioningCertificateChain'),
      element('ContractSignatureCertChain'),
      element('ContractSignatureEncryptedPrivateKey'),
      element('DHpublickey'),
      element('eMAID'),
    ],
  },
  CertificateUpdateReq: {
    attributes: requiredId,
    content: [element('ContractSignatureCertChain'), element('eMAID'), element('ListOfRootCertificateIDs')],
  },
  CertificateUpdateRes: {
    attributes: [],
    content: [
      element('ResponseCode'),
      element('SAProvisioningCertificateChain'),
      element('ContractSignatureCertChain'),
      element('ContractSignatureEncryptedPrivateKey'),
      element('DHpublickey'),
      element('eMAID'),
      element('RetryCounter', 0),
    ],
  },
  ListOfRootCertificateIDs: { attributes: [], content: [element('RootCertificateID', 1, 20)] },
  CertificateChain: { attributes: optionalId, content: [element('Certificate'), element('SubCertificates', 0)] },
  SubCertificates: { attributes: [], content: [element('Certificate', 1, 4)] },
  // ContractSignatureEncryptedPrivateKeyType, DiffieHellmanPublickeyType, EMAIDType: simple content
  // with a required Id.
  IdentifiedValue: { attributes: requiredId, content: [VALUE] },
} as const satisfies Record<string, TypeSpec>;

// Facet limits enforced while decoding (the schema's maxLength), so hostile lengths fail early.
export const LIMITS = {
  sessionId: 8,
  certificate: 800,
  privateKey: 48,
  dhPublicKey: 65,
  emaidMax: 15,
  faultMessage: 64,
} as const;
