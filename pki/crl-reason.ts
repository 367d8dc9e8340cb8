// CRLReason (RFC 5280 5.3.1): the names as a string union and their ENUMERATED codes. Code 7 is
// unused by the RFC and is not a reason.
export type CrlReason =
  | 'unspecified'
  | 'keyCompromise'
  | 'cACompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'certificateHold'
  | 'removeFromCRL'
  | 'privilegeWithdrawn'
  | 'aACompromise';

export const CRL_REASON_CODES: Readonly<Record<CrlReason, number>> = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
};

const BY_CODE = new Map<number, CrlReason>(Object.entries(CRL_REASON_CODES).map(([name, code]) => [code, name as CrlReason]));

/** The reason named by an ENUMERATED code, or null for a code RFC 5280 does not define. */
export function crlReasonFromCode(code: number): CrlReason | null {
  return BY_CODE.get(code) ?? null;
}
