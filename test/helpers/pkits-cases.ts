// NIST PKITS (Public Key Interoperability Test Suite, Certification Path Validation, 2011 data set:
// certificates valid 2010-2030) as a table: for each test, the files that make up the path and the
// CRLs, and the outcome the PKITS document prescribes, mapped onto our PathErrorCode and the index of
// the certificate at fault (0 = the end entity). Expectations come from the PKITS test descriptions;
// `why` paraphrases them.
//
// Every case runs with revocation 'require': PKITS assumes CRLs are available for every CA, which is
// what makes 4.4.1 (no CRL at all) invalid. TrustAnchorRootCertificate is the anchor and
// TrustAnchorRootCRL is always given. `path` lists the intermediates from the end entity's issuer up
// to (not including) the anchor; `others` are extra certificates the validator may use to validate
// CRL issuers (RFC 5280 6.3.3 f), never part of the path.
import type { PathErrorCode } from '../../pki/path/types.js';

export type PkitsExpectation = 'valid' | { code: PathErrorCode; index: number };

export interface PkitsCase {
  id: string;
  name: string;
  leaf: string;
  path: readonly string[];
  crls: readonly string[];
  others?: readonly string[];
  expect: PkitsExpectation;
  why: string;
}

const bad = (code: PathErrorCode, index: number): PkitsExpectation => ({ code, index });

export const PKITS_ANCHOR = 'TrustAnchorRootCertificate';
export const PKITS_ANCHOR_CRL = 'TrustAnchorRootCRL';

/** A time inside every valid certificate's and CRL's window, after the short-lived ones ended (2011-01-01 08:30). */
export const PKITS_TIME = new Date('2012-06-01T00:00:00Z');

export const PKITS_SECTIONS: Readonly<Record<string, string>> = {
  '4.1': 'Signature Verification',
  '4.2': 'Validity Periods',
  '4.3': 'Verifying Name Chaining',
  '4.4': 'Basic Certificate Revocation Tests',
  '4.5': 'Verifying Paths with Self-Issued Certificates',
  '4.6': 'Verifying Basic Constraints',
  '4.7': 'Key Usage',
  '4.14': 'Distribution Points',
  '4.15': 'Delta-CRLs',
  '4.16': 'Private Certificate Extensions',
};

export const PKITS_CASES: readonly PkitsCase[] = [
  // 4.1 Signature Verification
  { id: '4.1.1', name: 'Valid Signatures Test1', leaf: 'ValidCertificatePathTest1EE', path: ['GoodCACert'], crls: ['GoodCACRL'], expect: 'valid', why: 'every signature verifies' },
  { id: '4.1.2', name: 'Invalid CA Signature Test2', leaf: 'InvalidCASignatureTest2EE', path: ['BadSignedCACert'], crls: ['BadSignedCACRL'], expect: bad('SIGNATURE_INVALID', 1), why: 'the intermediate signature is invalid' },
  { id: '4.1.3', name: 'Invalid EE Signature Test3', leaf: 'InvalidEESignatureTest3EE', path: ['GoodCACert'], crls: ['GoodCACRL'], expect: bad('SIGNATURE_INVALID', 0), why: 'the end entity signature is invalid' },
  { id: '4.1.4', name: 'Valid DSA Signatures Test4', leaf: 'ValidDSASignaturesTest4EE', path: ['DSACACert'], crls: ['DSACACRL'], expect: 'valid', why: 'DSA signatures verify' },
  { id: '4.1.5', name: 'Valid DSA Parameter Inheritance Test5', leaf: 'ValidDSAParameterInheritanceTest5EE', path: ['DSAParametersInheritedCACert', 'DSACACert'], crls: ['DSACACRL', 'DSAParametersInheritedCACRL'], expect: 'valid', why: 'the intermediate DSA key inherits its parameters from its issuer' },
  { id: '4.1.6', name: 'Invalid DSA Signature Test6', leaf: 'InvalidDSASignatureTest6EE', path: ['DSACACert'], crls: ['DSACACRL'], expect: bad('SIGNATURE_INVALID', 0), why: 'the end entity DSA signature is invalid' },

  // 4.2 Validity Periods
  { id: '4.2.1', name: 'Invalid CA notBefore Date Test1', leaf: 'InvalidCAnotBeforeDateTest1EE', path: ['BadnotBeforeDateCACert'], crls: ['BadnotBeforeDateCACRL'], expect: bad('NOT_YET_VALID', 1), why: 'the intermediate notBefore is in the future (2047)' },
  { id: '4.2.2', name: 'Invalid EE notBefore Date Test2', leaf: 'InvalidEEnotBeforeDateTest2EE', path: ['GoodCACert'], crls: ['GoodCACRL'], expect: bad('NOT_YET_VALID', 0), why: 'the end entity notBefore is in the future (2047)' },
  { id: '4.2.3', name: 'Valid pre2000 UTC notBefore Date Test3', leaf: 'Validpre2000UTCnotBeforeDateTest3EE', path: ['GoodCACert'], crls: ['GoodCACRL'], expect: 'valid', why: 'UTCTime 50 is 1950' },
  { id: '4.2.4', name: 'Valid GeneralizedTime notBefore Date Test4', leaf: 'ValidGeneralizedTimenotBeforeDateTest4EE', path: ['GoodCACert'], crls: ['GoodCACRL'], expect: 'valid', why: 'GeneralizedTime notBefore is read' },
  { id: '4.2.5', name: 'Invalid CA notAfter Date Test5', leaf: 'InvalidCAnotAfterDateTest5EE', path: ['BadnotAfterDateCACert'], crls: ['BadnotAfterDateCACRL'], expect: bad('EXPIRED', 1), why: 'the intermediate expired' },
  { id: '4.2.6', name: 'Invalid EE notAfter Date Test6', leaf: 'InvalidEEnotAfterDateTest6EE', path: ['GoodCACert'], crls: ['GoodCACRL'], expect: bad('EXPIRED', 0), why: 'the end entity expired' },
  { id: '4.2.7', name: 'Invalid pre2000 UTC EE notAfter Date Test7', leaf: 'Invalidpre2000UTCEEnotAfterDateTest7EE', path: ['GoodCACert'], crls: ['GoodCACRL'], expect: bad('EXPIRED', 0), why: 'UTCTime 99 is 1999, not 2099' },
  { id: '4.2.8', name: 'Valid GeneralizedTime notAfter Date Test8', leaf: 'ValidGeneralizedTimenotAfterDateTest8EE', path: ['GoodCACert'], crls: ['GoodCACRL'], expect: 'valid', why: 'GeneralizedTime notAfter 2050 is read' },

  // 4.3 Verifying Name Chaining
  { id: '4.3.1', name: 'Invalid Name Chaining EE Test1', leaf: 'InvalidNameChainingTest1EE', path: ['GoodCACert'], crls: ['GoodCACRL'], expect: bad('NAME_CHAINING', 0), why: 'the end entity issuer name is not the CA subject' },
  { id: '4.3.2', name: 'Invalid Name Chaining Order Test2', leaf: 'InvalidNameChainingOrderTest2EE', path: ['NameOrderingCACert'], crls: ['NameOrderCACRL'], expect: bad('NAME_CHAINING', 0), why: 'same RDNs in a different order do not chain' },
  { id: '4.3.3', name: 'Valid Name Chaining Whitespace Test3', leaf: 'ValidNameChainingWhitespaceTest3EE', path: ['GoodCACert'], crls: ['GoodCACRL'], expect: 'valid', why: 'insignificant whitespace in PrintableString is ignored' },
  { id: '4.3.4', name: 'Valid Name Chaining Whitespace Test4', leaf: 'ValidNameChainingWhitespaceTest4EE', path: ['GoodCACert'], crls: ['GoodCACRL'], expect: 'valid', why: 'insignificant whitespace is ignored' },
  { id: '4.3.5', name: 'Valid Name Chaining Capitalization Test5', leaf: 'ValidNameChainingCapitalizationTest5EE', path: ['GoodCACert'], crls: ['GoodCACRL'], expect: 'valid', why: 'names compare case-insensitively' },
  { id: '4.3.6', name: 'Valid Name Chaining UIDs Test6', leaf: 'ValidNameUIDsTest6EE', path: ['UIDCACert'], crls: ['UIDCACRL'], expect: 'valid', why: 'unique identifiers do not disturb chaining' },
  { id: '4.3.7', name: 'Valid RFC3280 Mandatory Attribute Types Test7', leaf: 'ValidRFC3280MandatoryAttributeTypesTest7EE', path: ['RFC3280MandatoryAttributeTypesCACert'], crls: ['RFC3280MandatoryAttributeTypesCACRL'], expect: 'valid', why: 'all mandatory attribute types chain' },
  { id: '4.3.8', name: 'Valid RFC3280 Optional Attribute Types Test8', leaf: 'ValidRFC3280OptionalAttributeTypesTest8EE', path: ['RFC3280OptionalAttributeTypesCACert'], crls: ['RFC3280OptionalAttributeTypesCACRL'], expect: 'valid', why: 'optional attribute types chain' },
  { id: '4.3.9', name: 'Valid UTF8String Encoded Names Test9', leaf: 'ValidUTF8StringEncodedNamesTest9EE', path: ['UTF8StringEncodedNamesCACert'], crls: ['UTF8StringEncodedNamesCACRL'], expect: 'valid', why: 'UTF8String names chain' },
  { id: '4.3.10', name: 'Valid Rollover from PrintableString to UTF8String Test10', leaf: 'ValidRolloverfromPrintableStringtoUTF8StringTest10EE', path: ['RolloverfromPrintableStringtoUTF8StringCACert'], crls: ['RolloverfromPrintableStringtoUTF8StringCACRL'], expect: 'valid', why: 'the same name in PrintableString and UTF8String chains' },
  { id: '4.3.11', name: 'Valid UTF8String Case Insensitive Match Test11', leaf: 'ValidUTF8StringCaseInsensitiveMatchTest11EE', path: ['UTF8StringCaseInsensitiveMatchCACert'], crls: ['UTF8StringCaseInsensitiveMatchCACRL'], expect: 'valid', why: 'UTF8String names compare case-insensitively' },

  // 4.4 Basic Certificate Revocation Tests
  { id: '4.4.1', name: 'Invalid Missing CRL Test1', leaf: 'InvalidMissingCRLTest1EE', path: ['NoCRLCACert'], crls: [], expect: bad('REVOCATION_UNKNOWN', 0), why: 'no CRL is available for the end entity' },
  { id: '4.4.2', name: 'Invalid Revoked CA Test2', leaf: 'InvalidRevokedCATest2EE', path: ['RevokedsubCACert', 'GoodCACert'], crls: ['GoodCACRL', 'RevokedsubCACRL'], expect: bad('REVOKED', 1), why: 'the intermediate is revoked' },
  { id: '4.4.3', name: 'Invalid Revoked EE Test3', leaf: 'InvalidRevokedEETest3EE', path: ['GoodCACert'], crls: ['GoodCACRL'], expect: bad('REVOKED', 0), why: 'the end entity is revoked' },
  { id: '4.4.4', name: 'Invalid Bad CRL Signature Test4', leaf: 'InvalidBadCRLSignatureTest4EE', path: ['BadCRLSignatureCACert'], crls: ['BadCRLSignatureCACRL'], expect: bad('CRL_INVALID', 0), why: 'the only CRL has a bad signature' },
  { id: '4.4.5', name: 'Invalid Bad CRL Issuer Name Test5', leaf: 'InvalidBadCRLIssuerNameTest5EE', path: ['BadCRLIssuerNameCACert'], crls: ['BadCRLIssuerNameCACRL'], expect: bad('REVOCATION_UNKNOWN', 0), why: 'the CRL names another issuer, so no CRL covers the end entity' },
  { id: '4.4.6', name: 'Invalid Wrong CRL Test6', leaf: 'InvalidWrongCRLTest6EE', path: ['WrongCRLCACert'], crls: ['WrongCRLCACRL'], expect: bad('REVOCATION_UNKNOWN', 0), why: "the CRL given is the trust anchor's, not the CA's" },
  { id: '4.4.7', name: 'Valid Two CRLs Test7', leaf: 'ValidTwoCRLsTest7EE', path: ['TwoCRLsCACert'], crls: ['TwoCRLsCAGoodCRL', 'TwoCRLsCABadCRL'], expect: 'valid', why: 'the CRL with a bad signature is passed over for the good one' },
  { id: '4.4.8', name: 'Invalid Unknown CRL Entry Extension Test8', leaf: 'InvalidUnknownCRLEntryExtensionTest8EE', path: ['UnknownCRLEntryExtensionCACert'], crls: ['UnknownCRLEntryExtensionCACRL'], expect: bad('CRL_INVALID', 0), why: 'a critical entry extension is unknown, so the CRL cannot be used' },
  { id: '4.4.9', name: 'Invalid Unknown CRL Extension Test9', leaf: 'InvalidUnknownCRLExtensionTest9EE', path: ['UnknownCRLExtensionCACert'], crls: ['UnknownCRLExtensionCACRL'], expect: bad('CRL_INVALID', 0), why: 'a critical CRL extension is unknown (the end entity is listed)' },
  { id: '4.4.10', name: 'Invalid Unknown CRL Extension Test10', leaf: 'InvalidUnknownCRLExtensionTest10EE', path: ['UnknownCRLExtensionCACert'], crls: ['UnknownCRLExtensionCACRL'], expect: bad('CRL_INVALID', 0), why: 'a critical CRL extension is unknown (the end entity is not listed)' },
  { id: '4.4.11', name: 'Invalid Old CRL nextUpdate Test11', leaf: 'InvalidOldCRLnextUpdateTest11EE', path: ['OldCRLnextUpdateCACert'], crls: ['OldCRLnextUpdateCACRL'], expect: bad('CRL_EXPIRED', 0), why: 'the CRL nextUpdate has passed' },
  { id: '4.4.12', name: 'Invalid pre2000 CRL nextUpdate Test12', leaf: 'Invalidpre2000CRLnextUpdateTest12EE', path: ['pre2000CRLnextUpdateCACert'], crls: ['pre2000CRLnextUpdateCACRL'], expect: bad('CRL_EXPIRED', 0), why: 'the CRL nextUpdate (UTCTime 99) is 1999' },
  { id: '4.4.13', name: 'Valid GeneralizedTime CRL nextUpdate Test13', leaf: 'ValidGeneralizedTimeCRLnextUpdateTest13EE', path: ['GeneralizedTimeCRLnextUpdateCACert'], crls: ['GeneralizedTimeCRLnextUpdateCACRL'], expect: 'valid', why: 'GeneralizedTime nextUpdate 2050 is read' },
  { id: '4.4.14', name: 'Valid Negative Serial Number Test14', leaf: 'ValidNegativeSerialNumberTest14EE', path: ['NegativeSerialNumberCACert'], crls: ['NegativeSerialNumberCACRL'], expect: 'valid', why: 'a negative serial not on the CRL' },
  { id: '4.4.15', name: 'Invalid Negative Serial Number Test15', leaf: 'InvalidNegativeSerialNumberTest15EE', path: ['NegativeSerialNumberCACert'], crls: ['NegativeSerialNumberCACRL'], expect: bad('REVOKED', 0), why: 'a negative serial on the CRL' },
  { id: '4.4.16', name: 'Valid Long Serial Number Test16', leaf: 'ValidLongSerialNumberTest16EE', path: ['LongSerialNumberCACert'], crls: ['LongSerialNumberCACRL'], expect: 'valid', why: 'a 20-octet serial not on the CRL' },
  { id: '4.4.17', name: 'Valid Long Serial Number Test17', leaf: 'ValidLongSerialNumberTest17EE', path: ['LongSerialNumberCACert'], crls: ['LongSerialNumberCACRL'], expect: 'valid', why: 'a long serial that differs from a listed one' },
  { id: '4.4.18', name: 'Invalid Long Serial Number Test18', leaf: 'InvalidLongSerialNumberTest18EE', path: ['LongSerialNumberCACert'], crls: ['LongSerialNumberCACRL'], expect: bad('REVOKED', 0), why: 'a long serial on the CRL' },
  { id: '4.4.19', name: 'Valid Separate Certificate and CRL Keys Test19', leaf: 'ValidSeparateCertificateandCRLKeysTest19EE', path: ['SeparateCertificateandCRLKeysCertificateSigningCACert'], crls: ['SeparateCertificateandCRLKeysCRL'], others: ['SeparateCertificateandCRLKeysCRLSigningCert'], expect: 'valid', why: 'the CRL is signed with a separate key certified by the anchor' },
  { id: '4.4.20', name: 'Invalid Separate Certificate and CRL Keys Test20', leaf: 'InvalidSeparateCertificateandCRLKeysTest20EE', path: ['SeparateCertificateandCRLKeysCertificateSigningCACert'], crls: ['SeparateCertificateandCRLKeysCRL'], others: ['SeparateCertificateandCRLKeysCRLSigningCert'], expect: bad('REVOKED', 0), why: 'the end entity is on the CRL signed with the separate key' },
  { id: '4.4.21', name: 'Invalid Separate Certificate and CRL Keys Test21', leaf: 'InvalidSeparateCertificateandCRLKeysTest21EE', path: ['SeparateCertificateandCRLKeysCA2CertificateSigningCACert'], crls: ['SeparateCertificateandCRLKeysCA2CRL'], others: ['SeparateCertificateandCRLKeysCA2CRLSigningCert'], expect: bad('CRL_INVALID', 0), why: "the CRL signing certificate is revoked on the anchor's CRL" },

  // 4.5 Verifying Paths with Self-Issued Certificates
  { id: '4.5.1', name: 'Valid Basic Self-Issued Old With New Test1', leaf: 'ValidBasicSelfIssuedOldWithNewTest1EE', path: ['BasicSelfIssuedNewKeyOldWithNewCACert', 'BasicSelfIssuedNewKeyCACert'], crls: ['BasicSelfIssuedNewKeyCACRL'], expect: 'valid', why: 'old key certified by the new key; CRL signed with the new key' },
  { id: '4.5.2', name: 'Invalid Basic Self-Issued Old With New Test2', leaf: 'InvalidBasicSelfIssuedOldWithNewTest2EE', path: ['BasicSelfIssuedNewKeyOldWithNewCACert', 'BasicSelfIssuedNewKeyCACert'], crls: ['BasicSelfIssuedNewKeyCACRL'], expect: bad('REVOKED', 0), why: 'the end entity is revoked' },
  { id: '4.5.3', name: 'Valid Basic Self-Issued New With Old Test3', leaf: 'ValidBasicSelfIssuedNewWithOldTest3EE', path: ['BasicSelfIssuedOldKeyNewWithOldCACert', 'BasicSelfIssuedOldKeyCACert'], crls: ['BasicSelfIssuedOldKeySelfIssuedCertCRL', 'BasicSelfIssuedOldKeyCACRL'], expect: 'valid', why: 'new key certified by the old key; each CRL signed by the right key' },
  { id: '4.5.4', name: 'Valid Basic Self-Issued New With Old Test4', leaf: 'ValidBasicSelfIssuedNewWithOldTest4EE', path: ['BasicSelfIssuedOldKeyCACert'], crls: ['BasicSelfIssuedOldKeySelfIssuedCertCRL', 'BasicSelfIssuedOldKeyCACRL'], others: ['BasicSelfIssuedOldKeyNewWithOldCACert'], expect: 'valid', why: "the end entity's CRL is signed with the new key, validated through the self-issued certificate" },
  { id: '4.5.5', name: 'Invalid Basic Self-Issued New With Old Test5', leaf: 'InvalidBasicSelfIssuedNewWithOldTest5EE', path: ['BasicSelfIssuedOldKeyCACert'], crls: ['BasicSelfIssuedOldKeySelfIssuedCertCRL', 'BasicSelfIssuedOldKeyCACRL'], others: ['BasicSelfIssuedOldKeyNewWithOldCACert'], expect: bad('REVOKED', 0), why: 'the end entity is on the CRL signed with the new key' },
  { id: '4.5.6', name: 'Valid Basic Self-Issued CRL Signing Key Test6', leaf: 'ValidBasicSelfIssuedCRLSigningKeyTest6EE', path: ['BasicSelfIssuedCRLSigningKeyCACert'], crls: ['BasicSelfIssuedCRLSigningKeyCRLCertCRL', 'BasicSelfIssuedCRLSigningKeyCACRL'], others: ['BasicSelfIssuedCRLSigningKeyCRLCert'], expect: 'valid', why: 'the CRL signing key has a self-issued certificate from the CA' },
  { id: '4.5.7', name: 'Invalid Basic Self-Issued CRL Signing Key Test7', leaf: 'InvalidBasicSelfIssuedCRLSigningKeyTest7EE', path: ['BasicSelfIssuedCRLSigningKeyCACert'], crls: ['BasicSelfIssuedCRLSigningKeyCRLCertCRL', 'BasicSelfIssuedCRLSigningKeyCACRL'], others: ['BasicSelfIssuedCRLSigningKeyCRLCert'], expect: bad('REVOKED', 0), why: 'the end entity is revoked' },
  { id: '4.5.8', name: 'Invalid Basic Self-Issued CRL Signing Key Test8', leaf: 'InvalidBasicSelfIssuedCRLSigningKeyTest8EE', path: ['BasicSelfIssuedCRLSigningKeyCRLCert', 'BasicSelfIssuedCRLSigningKeyCACert'], crls: ['BasicSelfIssuedCRLSigningKeyCRLCertCRL', 'BasicSelfIssuedCRLSigningKeyCACRL'], expect: bad('NOT_A_CA', 1), why: 'the CRL signing certificate is not a CA certificate' },

  // 4.6 Verifying Basic Constraints
  { id: '4.6.1', name: 'Invalid Missing basicConstraints Test1', leaf: 'InvalidMissingbasicConstraintsTest1EE', path: ['MissingbasicConstraintsCACert'], crls: ['MissingbasicConstraintsCACRL'], expect: bad('NOT_A_CA', 1), why: 'the intermediate has no basicConstraints' },
  { id: '4.6.2', name: 'Invalid cA False Test2', leaf: 'InvalidcAFalseTest2EE', path: ['basicConstraintsCriticalcAFalseCACert'], crls: ['basicConstraintsCriticalcAFalseCACRL'], expect: bad('NOT_A_CA', 1), why: 'cA is false (critical)' },
  { id: '4.6.3', name: 'Invalid cA False Test3', leaf: 'InvalidcAFalseTest3EE', path: ['basicConstraintsNotCriticalcAFalseCACert'], crls: ['basicConstraintsNotCriticalcAFalseCACRL'], expect: bad('NOT_A_CA', 1), why: 'cA is false (not critical)' },
  { id: '4.6.4', name: 'Valid basicConstraints Not Critical Test4', leaf: 'ValidbasicConstraintsNotCriticalTest4EE', path: ['basicConstraintsNotCriticalCACert'], crls: ['basicConstraintsNotCriticalCACRL'], expect: 'valid', why: 'a non-critical basicConstraints still counts' },
  { id: '4.6.5', name: 'Invalid pathLenConstraint Test5', leaf: 'InvalidpathLenConstraintTest5EE', path: ['pathLenConstraint0subCACert', 'pathLenConstraint0CACert'], crls: ['pathLenConstraint0CACRL', 'pathLenConstraint0subCACRL'], expect: bad('PATH_LENGTH_EXCEEDED', 1), why: 'pathLenConstraint 0 followed by a CA' },
  { id: '4.6.6', name: 'Invalid pathLenConstraint Test6', leaf: 'InvalidpathLenConstraintTest6EE', path: ['pathLenConstraint0subCACert', 'pathLenConstraint0CACert'], crls: ['pathLenConstraint0CACRL', 'pathLenConstraint0subCACRL'], expect: bad('PATH_LENGTH_EXCEEDED', 1), why: 'pathLenConstraint 0 followed by a CA (end entity is a CA)' },
  { id: '4.6.7', name: 'Valid pathLenConstraint Test7', leaf: 'ValidpathLenConstraintTest7EE', path: ['pathLenConstraint0CACert'], crls: ['pathLenConstraint0CACRL'], expect: 'valid', why: 'pathLenConstraint 0 followed by an end entity' },
  { id: '4.6.8', name: 'Valid pathLenConstraint Test8', leaf: 'ValidpathLenConstraintTest8EE', path: ['pathLenConstraint0CACert'], crls: ['pathLenConstraint0CACRL'], expect: 'valid', why: 'the last certificate may be a CA certificate' },
  { id: '4.6.9', name: 'Invalid pathLenConstraint Test9', leaf: 'InvalidpathLenConstraintTest9EE', path: ['pathLenConstraint6subsubCA00Cert', 'pathLenConstraint6subCA0Cert', 'pathLenConstraint6CACert'], crls: ['pathLenConstraint6CACRL', 'pathLenConstraint6subCA0CRL', 'pathLenConstraint6subsubCA00CRL'], expect: bad('PATH_LENGTH_EXCEEDED', 1), why: 'a lower pathLenConstraint 0 is exceeded' },
  { id: '4.6.10', name: 'Invalid pathLenConstraint Test10', leaf: 'InvalidpathLenConstraintTest10EE', path: ['pathLenConstraint6subsubCA00Cert', 'pathLenConstraint6subCA0Cert', 'pathLenConstraint6CACert'], crls: ['pathLenConstraint6CACRL', 'pathLenConstraint6subCA0CRL', 'pathLenConstraint6subsubCA00CRL'], expect: bad('PATH_LENGTH_EXCEEDED', 1), why: 'a lower pathLenConstraint 0 is exceeded (end entity is a CA)' },
  { id: '4.6.11', name: 'Invalid pathLenConstraint Test11', leaf: 'InvalidpathLenConstraintTest11EE', path: ['pathLenConstraint6subsubsubCA11XCert', 'pathLenConstraint6subsubCA11Cert', 'pathLenConstraint6subCA1Cert', 'pathLenConstraint6CACert'], crls: ['pathLenConstraint6CACRL', 'pathLenConstraint6subCA1CRL', 'pathLenConstraint6subsubCA11CRL', 'pathLenConstraint6subsubsubCA11XCRL'], expect: bad('PATH_LENGTH_EXCEEDED', 1), why: 'pathLenConstraint 1 is exceeded two levels down' },
  { id: '4.6.12', name: 'Invalid pathLenConstraint Test12', leaf: 'InvalidpathLenConstraintTest12EE', path: ['pathLenConstraint6subsubsubCA11XCert', 'pathLenConstraint6subsubCA11Cert', 'pathLenConstraint6subCA1Cert', 'pathLenConstraint6CACert'], crls: ['pathLenConstraint6CACRL', 'pathLenConstraint6subCA1CRL', 'pathLenConstraint6subsubCA11CRL', 'pathLenConstraint6subsubsubCA11XCRL'], expect: bad('PATH_LENGTH_EXCEEDED', 1), why: 'pathLenConstraint 1 is exceeded two levels down (end entity is a CA)' },
  { id: '4.6.13', name: 'Valid pathLenConstraint Test13', leaf: 'ValidpathLenConstraintTest13EE', path: ['pathLenConstraint6subsubsubCA41XCert', 'pathLenConstraint6subsubCA41Cert', 'pathLenConstraint6subCA4Cert', 'pathLenConstraint6CACert'], crls: ['pathLenConstraint6CACRL', 'pathLenConstraint6subCA4CRL', 'pathLenConstraint6subsubCA41CRL', 'pathLenConstraint6subsubsubCA41XCRL'], expect: 'valid', why: 'every pathLenConstraint is respected' },
  { id: '4.6.14', name: 'Valid pathLenConstraint Test14', leaf: 'ValidpathLenConstraintTest14EE', path: ['pathLenConstraint6subsubsubCA41XCert', 'pathLenConstraint6subsubCA41Cert', 'pathLenConstraint6subCA4Cert', 'pathLenConstraint6CACert'], crls: ['pathLenConstraint6CACRL', 'pathLenConstraint6subCA4CRL', 'pathLenConstraint6subsubCA41CRL', 'pathLenConstraint6subsubsubCA41XCRL'], expect: 'valid', why: 'every pathLenConstraint is respected (end entity is a CA)' },
  { id: '4.6.15', name: 'Valid Self-Issued pathLenConstraint Test15', leaf: 'ValidSelfIssuedpathLenConstraintTest15EE', path: ['pathLenConstraint0SelfIssuedCACert', 'pathLenConstraint0CACert'], crls: ['pathLenConstraint0CACRL'], expect: 'valid', why: 'a self-issued certificate does not count against pathLenConstraint 0' },
  { id: '4.6.16', name: 'Invalid Self-Issued pathLenConstraint Test16', leaf: 'InvalidSelfIssuedpathLenConstraintTest16EE', path: ['pathLenConstraint0subCA2Cert', 'pathLenConstraint0SelfIssuedCACert', 'pathLenConstraint0CACert'], crls: ['pathLenConstraint0CACRL', 'pathLenConstraint0subCA2CRL'], expect: bad('PATH_LENGTH_EXCEEDED', 1), why: 'a further CA after the self-issued one exceeds pathLenConstraint 0' },
  { id: '4.6.17', name: 'Valid Self-Issued pathLenConstraint Test17', leaf: 'ValidSelfIssuedpathLenConstraintTest17EE', path: ['pathLenConstraint1SelfIssuedsubCACert', 'pathLenConstraint1subCACert', 'pathLenConstraint1SelfIssuedCACert', 'pathLenConstraint1CACert'], crls: ['pathLenConstraint1CACRL', 'pathLenConstraint1subCACRL'], expect: 'valid', why: 'two self-issued certificates do not count against pathLenConstraint 1' },

  // 4.7 Key Usage
  { id: '4.7.1', name: 'Invalid keyUsage Critical keyCertSign False Test1', leaf: 'InvalidkeyUsageCriticalkeyCertSignFalseTest1EE', path: ['keyUsageCriticalkeyCertSignFalseCACert'], crls: ['keyUsageCriticalkeyCertSignFalseCACRL'], expect: bad('KEY_USAGE', 1), why: 'the intermediate lacks keyCertSign (critical keyUsage)' },
  { id: '4.7.2', name: 'Invalid keyUsage Not Critical keyCertSign False Test2', leaf: 'InvalidkeyUsageNotCriticalkeyCertSignFalseTest2EE', path: ['keyUsageNotCriticalkeyCertSignFalseCACert'], crls: ['keyUsageNotCriticalkeyCertSignFalseCACRL'], expect: bad('KEY_USAGE', 1), why: 'the intermediate lacks keyCertSign (non-critical keyUsage)' },
  { id: '4.7.3', name: 'Valid keyUsage Not Critical Test3', leaf: 'ValidkeyUsageNotCriticalTest3EE', path: ['keyUsageNotCriticalCACert'], crls: ['keyUsageNotCriticalCACRL'], expect: 'valid', why: 'a non-critical keyUsage with keyCertSign and cRLSign' },
  { id: '4.7.4', name: 'Invalid keyUsage Critical cRLSign False Test4', leaf: 'InvalidkeyUsageCriticalcRLSignFalseTest4EE', path: ['keyUsageCriticalcRLSignFalseCACert'], crls: ['keyUsageCriticalcRLSignFalseCACRL'], expect: bad('CRL_INVALID', 0), why: 'the CRL issuer lacks cRLSign (critical keyUsage)' },
  { id: '4.7.5', name: 'Invalid keyUsage Not Critical cRLSign False Test5', leaf: 'InvalidkeyUsageNotCriticalcRLSignFalseTest5EE', path: ['keyUsageNotCriticalcRLSignFalseCACert'], crls: ['keyUsageNotCriticalcRLSignFalseCACRL'], expect: bad('CRL_INVALID', 0), why: 'the CRL issuer lacks cRLSign (non-critical keyUsage)' },

  // 4.14 Distribution Points
  { id: '4.14.1', name: 'Valid distributionPoint Test1', leaf: 'ValiddistributionPointTest1EE', path: ['distributionPoint1CACert'], crls: ['distributionPoint1CACRL'], expect: 'valid', why: 'the CRL distribution point matches (fullName)' },
  { id: '4.14.2', name: 'Invalid distributionPoint Test2', leaf: 'InvaliddistributionPointTest2EE', path: ['distributionPoint1CACert'], crls: ['distributionPoint1CACRL'], expect: bad('REVOKED', 0), why: 'revoked on the matching CRL' },
  { id: '4.14.3', name: 'Invalid distributionPoint Test3', leaf: 'InvaliddistributionPointTest3EE', path: ['distributionPoint1CACert'], crls: ['distributionPoint1CACRL'], expect: bad('REVOCATION_UNKNOWN', 0), why: 'the distribution point names another CRL' },
  { id: '4.14.4', name: 'Valid distributionPoint Test4', leaf: 'ValiddistributionPointTest4EE', path: ['distributionPoint1CACert'], crls: ['distributionPoint1CACRL'], expect: 'valid', why: 'nameRelativeToIssuer in the certificate matches the fullName of the CRL' },
  { id: '4.14.5', name: 'Valid distributionPoint Test5', leaf: 'ValiddistributionPointTest5EE', path: ['distributionPoint2CACert'], crls: ['distributionPoint2CACRL'], expect: 'valid', why: 'nameRelativeToIssuer in the CRL' },
  { id: '4.14.6', name: 'Invalid distributionPoint Test6', leaf: 'InvaliddistributionPointTest6EE', path: ['distributionPoint2CACert'], crls: ['distributionPoint2CACRL'], expect: bad('REVOKED', 0), why: 'revoked on the matching CRL' },
  { id: '4.14.7', name: 'Valid distributionPoint Test7', leaf: 'ValiddistributionPointTest7EE', path: ['distributionPoint2CACert'], crls: ['distributionPoint2CACRL'], expect: 'valid', why: 'fullName in the certificate matches nameRelativeToIssuer of the CRL' },
  { id: '4.14.8', name: 'Invalid distributionPoint Test8', leaf: 'InvaliddistributionPointTest8EE', path: ['distributionPoint2CACert'], crls: ['distributionPoint2CACRL'], expect: bad('REVOCATION_UNKNOWN', 0), why: 'the distribution point does not match' },
  { id: '4.14.9', name: 'Invalid distributionPoint Test9', leaf: 'InvaliddistributionPointTest9EE', path: ['distributionPoint2CACert'], crls: ['distributionPoint2CACRL'], expect: bad('REVOCATION_UNKNOWN', 0), why: 'the certificate has no distribution point and the CRL is for a named one' },
  { id: '4.14.10', name: 'Valid No issuingDistributionPoint Test10', leaf: 'ValidNoissuingDistributionPointTest10EE', path: ['NoissuingDistributionPointCACert'], crls: ['NoissuingDistributionPointCACRL'], expect: 'valid', why: 'a full CRL covers a certificate with a distribution point' },
  { id: '4.14.11', name: 'Invalid onlyContainsUserCerts CRL Test11', leaf: 'InvalidonlyContainsUserCertsTest11EE', path: ['onlyContainsUserCertsCACert'], crls: ['onlyContainsUserCertsCACRL'], expect: bad('REVOCATION_UNKNOWN', 0), why: 'the only CRL covers end entities and the certificate is a CA' },
  { id: '4.14.12', name: 'Invalid onlyContainsCACerts CRL Test12', leaf: 'InvalidonlyContainsCACertsTest12EE', path: ['onlyContainsCACertsCACert'], crls: ['onlyContainsCACertsCACRL'], expect: bad('REVOCATION_UNKNOWN', 0), why: 'the only CRL covers CAs and the certificate is an end entity' },
  { id: '4.14.13', name: 'Valid onlyContainsCACerts CRL Test13', leaf: 'ValidonlyContainsCACertsTest13EE', path: ['onlyContainsCACertsCACert'], crls: ['onlyContainsCACertsCACRL'], expect: 'valid', why: 'the CRL covers CAs and the certificate is a CA' },
  { id: '4.14.14', name: 'Invalid onlyContainsAttributeCerts Test14', leaf: 'InvalidonlyContainsAttributeCertsTest14EE', path: ['onlyContainsAttributeCertsCACert'], crls: ['onlyContainsAttributeCertsCACRL'], expect: bad('REVOCATION_UNKNOWN', 0), why: 'the only CRL covers attribute certificates' },
  { id: '4.14.15', name: 'Invalid onlySomeReasons Test15', leaf: 'InvalidonlySomeReasonsTest15EE', path: ['onlySomeReasonsCA1Cert'], crls: ['onlySomeReasonsCA1compromiseCRL', 'onlySomeReasonsCA1otherreasonsCRL'], expect: bad('REVOKED', 0), why: 'revoked for keyCompromise on the compromise CRL' },
  { id: '4.14.16', name: 'Invalid onlySomeReasons Test16', leaf: 'InvalidonlySomeReasonsTest16EE', path: ['onlySomeReasonsCA1Cert'], crls: ['onlySomeReasonsCA1compromiseCRL', 'onlySomeReasonsCA1otherreasonsCRL'], expect: bad('REVOKED', 0), why: 'on hold on the other-reasons CRL' },
  { id: '4.14.17', name: 'Invalid onlySomeReasons Test17', leaf: 'InvalidonlySomeReasonsTest17EE', path: ['onlySomeReasonsCA2Cert'], crls: ['onlySomeReasonsCA2CRL1', 'onlySomeReasonsCA2CRL2'], expect: bad('REVOCATION_UNKNOWN', 0), why: 'the CRLs together do not cover all reasons' },
  { id: '4.14.18', name: 'Valid onlySomeReasons Test18', leaf: 'ValidonlySomeReasonsTest18EE', path: ['onlySomeReasonsCA3Cert'], crls: ['onlySomeReasonsCA3compromiseCRL', 'onlySomeReasonsCA3otherreasonsCRL'], expect: 'valid', why: 'two partitioned CRLs cover all reasons' },
  { id: '4.14.19', name: 'Valid onlySomeReasons Test19', leaf: 'ValidonlySomeReasonsTest19EE', path: ['onlySomeReasonsCA4Cert'], crls: ['onlySomeReasonsCA4compromiseCRL', 'onlySomeReasonsCA4otherreasonsCRL'], expect: 'valid', why: 'two distribution points with reasons cover all reasons' },
  { id: '4.14.20', name: 'Invalid onlySomeReasons Test20', leaf: 'InvalidonlySomeReasonsTest20EE', path: ['onlySomeReasonsCA4Cert'], crls: ['onlySomeReasonsCA4compromiseCRL', 'onlySomeReasonsCA4otherreasonsCRL'], expect: bad('REVOKED', 0), why: 'revoked on the compromise CRL' },
  { id: '4.14.21', name: 'Invalid onlySomeReasons Test21', leaf: 'InvalidonlySomeReasonsTest21EE', path: ['onlySomeReasonsCA4Cert'], crls: ['onlySomeReasonsCA4compromiseCRL', 'onlySomeReasonsCA4otherreasonsCRL'], expect: bad('REVOKED', 0), why: 'revoked on the other-reasons CRL' },
  { id: '4.14.22', name: 'Valid IDP with indirectCRL Test22', leaf: 'ValidIDPwithindirectCRLTest22EE', path: ['indirectCRLCA1Cert'], crls: ['indirectCRLCA1CRL'], expect: 'valid', why: 'an indirect CRL from the issuer itself' },
  { id: '4.14.23', name: 'Invalid IDP with indirectCRL Test23', leaf: 'InvalidIDPwithindirectCRLTest23EE', path: ['indirectCRLCA1Cert'], crls: ['indirectCRLCA1CRL'], expect: bad('REVOKED', 0), why: 'revoked on the indirect CRL' },
  { id: '4.14.24', name: 'Valid IDP with indirectCRL Test24', leaf: 'ValidIDPwithindirectCRLTest24EE', path: ['indirectCRLCA2Cert'], crls: ['indirectCRLCA1CRL'], others: ['indirectCRLCA1Cert'], expect: 'valid', why: 'an indirect CRL from another CA named in cRLIssuer' },
  { id: '4.14.25', name: 'Valid IDP with indirectCRL Test25', leaf: 'ValidIDPwithindirectCRLTest25EE', path: ['indirectCRLCA2Cert'], crls: ['indirectCRLCA1CRL'], others: ['indirectCRLCA1Cert'], expect: 'valid', why: 'its serial is listed, but for the CRL issuer CA1, not for CA2' },
  { id: '4.14.26', name: 'Invalid IDP with indirectCRL Test26', leaf: 'InvalidIDPwithindirectCRLTest26EE', path: ['indirectCRLCA2Cert'], crls: ['indirectCRLCA1CRL'], others: ['indirectCRLCA1Cert'], expect: bad('REVOCATION_UNKNOWN', 0), why: 'cRLIssuer names a CA (indirectCRL CA1x) that issued no CRL' },
  { id: '4.14.27', name: 'Invalid cRLIssuer Test27', leaf: 'InvalidcRLIssuerTest27EE', path: ['indirectCRLCA2Cert'], crls: ['GoodCACRL'], others: ['GoodCACert'], expect: bad('REVOCATION_UNKNOWN', 0), why: 'the CRL of the cRLIssuer is not an indirect CRL' },
  { id: '4.14.28', name: 'Valid cRLIssuer Test28', leaf: 'ValidcRLIssuerTest28EE', path: ['indirectCRLCA3Cert'], crls: ['indirectCRLCA3CRL', 'indirectCRLCA3cRLIssuerCRL'], others: ['indirectCRLCA3cRLIssuerCert'], expect: 'valid', why: 'indirect CRL from a cRLIssuer certified by the CA' },
  { id: '4.14.29', name: 'Valid cRLIssuer Test29', leaf: 'ValidcRLIssuerTest29EE', path: ['indirectCRLCA3Cert'], crls: ['indirectCRLCA3CRL', 'indirectCRLCA3cRLIssuerCRL'], others: ['indirectCRLCA3cRLIssuerCert'], expect: 'valid', why: 'as 28, distribution point as nameRelativeToIssuer' },
  { id: '4.14.30', name: 'Valid cRLIssuer Test30', leaf: 'ValidcRLIssuerTest30EE', path: ['indirectCRLCA4Cert'], crls: ['indirectCRLCA4cRLIssuerCRL'], others: ['indirectCRLCA4cRLIssuerCert'], expect: 'valid', why: 'the cRLIssuer certificate is covered by its own indirect CRL' },
  { id: '4.14.31', name: 'Invalid cRLIssuer Test31', leaf: 'InvalidcRLIssuerTest31EE', path: ['indirectCRLCA6Cert'], crls: ['indirectCRLCA5CRL'], others: ['indirectCRLCA5Cert'], expect: bad('REVOKED', 0), why: 'revoked on the indirect CRL under certificateIssuer CA6' },
  { id: '4.14.32', name: 'Invalid cRLIssuer Test32', leaf: 'InvalidcRLIssuerTest32EE', path: ['indirectCRLCA6Cert'], crls: ['indirectCRLCA5CRL'], others: ['indirectCRLCA5Cert'], expect: bad('REVOKED', 0), why: 'revoked on the indirect CRL under certificateIssuer CA6' },
  { id: '4.14.33', name: 'Valid cRLIssuer Test33', leaf: 'ValidcRLIssuerTest33EE', path: ['indirectCRLCA6Cert'], crls: ['indirectCRLCA5CRL'], others: ['indirectCRLCA5Cert'], expect: 'valid', why: 'its serial is listed under certificateIssuer CA7, carried forward, not CA6' },
  { id: '4.14.34', name: 'Invalid cRLIssuer Test34', leaf: 'InvalidcRLIssuerTest34EE', path: ['indirectCRLCA5Cert'], crls: ['indirectCRLCA5CRL'], expect: bad('REVOKED', 0), why: 'revoked on the indirect CRL of its own issuer' },
  { id: '4.14.35', name: 'Invalid cRLIssuer Test35', leaf: 'InvalidcRLIssuerTest35EE', path: ['indirectCRLCA5Cert'], crls: ['indirectCRLCA5CRL'], expect: bad('REVOCATION_UNKNOWN', 0), why: 'cRLIssuer names CA6, which issued no CRL; the CA5 CRL does not count' },

  // 4.15 Delta-CRLs
  { id: '4.15.1', name: 'Invalid deltaCRLIndicator No Base Test1', leaf: 'InvaliddeltaCRLIndicatorNoBaseTest1EE', path: ['deltaCRLIndicatorNoBaseCACert'], crls: ['deltaCRLIndicatorNoBaseCACRL'], expect: bad('REVOCATION_UNKNOWN', 0), why: 'only a delta CRL, no complete CRL' },
  { id: '4.15.2', name: 'Valid delta-CRL Test2', leaf: 'ValiddeltaCRLTest2EE', path: ['deltaCRLCA1Cert'], crls: ['deltaCRLCA1CRL', 'deltaCRLCA1deltaCRL'], expect: 'valid', why: 'listed on neither CRL' },
  { id: '4.15.3', name: 'Invalid delta-CRL Test3', leaf: 'InvaliddeltaCRLTest3EE', path: ['deltaCRLCA1Cert'], crls: ['deltaCRLCA1CRL', 'deltaCRLCA1deltaCRL'], expect: bad('REVOKED', 0), why: 'revoked on the complete CRL' },
  { id: '4.15.4', name: 'Invalid delta-CRL Test4', leaf: 'InvaliddeltaCRLTest4EE', path: ['deltaCRLCA1Cert'], crls: ['deltaCRLCA1CRL', 'deltaCRLCA1deltaCRL'], expect: bad('REVOKED', 0), why: 'revoked on the delta CRL only' },
  { id: '4.15.5', name: 'Valid delta-CRL Test5', leaf: 'ValiddeltaCRLTest5EE', path: ['deltaCRLCA1Cert'], crls: ['deltaCRLCA1CRL', 'deltaCRLCA1deltaCRL'], expect: 'valid', why: 'certificateHold on the complete CRL, removeFromCRL on the delta' },
  { id: '4.15.6', name: 'Invalid delta-CRL Test6', leaf: 'InvaliddeltaCRLTest6EE', path: ['deltaCRLCA1Cert'], crls: ['deltaCRLCA1CRL', 'deltaCRLCA1deltaCRL'], expect: bad('REVOKED', 0), why: 'certificateHold on the complete CRL, keyCompromise on the delta' },
  { id: '4.15.7', name: 'Valid delta-CRL Test7', leaf: 'ValiddeltaCRLTest7EE', path: ['deltaCRLCA1Cert'], crls: ['deltaCRLCA1CRL', 'deltaCRLCA1deltaCRL'], expect: 'valid', why: 'removeFromCRL on the delta for a certificate not on the complete CRL' },
  { id: '4.15.8', name: 'Valid delta-CRL Test8', leaf: 'ValiddeltaCRLTest8EE', path: ['deltaCRLCA2Cert'], crls: ['deltaCRLCA2CRL', 'deltaCRLCA2deltaCRL'], expect: 'valid', why: 'listed on neither CRL' },
  { id: '4.15.9', name: 'Invalid delta-CRL Test9', leaf: 'InvaliddeltaCRLTest9EE', path: ['deltaCRLCA2Cert'], crls: ['deltaCRLCA2CRL', 'deltaCRLCA2deltaCRL'], expect: bad('REVOKED', 0), why: 'revoked on the complete and the delta CRL' },
  { id: '4.15.10', name: 'Invalid delta-CRL Test10', leaf: 'InvaliddeltaCRLTest10EE', path: ['deltaCRLCA3Cert'], crls: ['deltaCRLCA3CRL', 'deltaCRLCA3deltaCRL'], expect: bad('CRL_EXPIRED', 0), why: 'the complete CRL is out of date, a current delta does not make up for it' },

  // 4.16 Private Certificate Extensions
  { id: '4.16.1', name: 'Valid Unknown Not Critical Certificate Extension Test1', leaf: 'ValidUnknownNotCriticalCertificateExtensionTest1EE', path: [], crls: [], expect: 'valid', why: 'an unknown non-critical extension is ignored' },
  { id: '4.16.2', name: 'Invalid Unknown Critical Certificate Extension Test2', leaf: 'InvalidUnknownCriticalCertificateExtensionTest2EE', path: [], crls: [], expect: bad('UNKNOWN_CRITICAL_EXTENSION', 0), why: 'an unknown critical extension fails the path' },
];
