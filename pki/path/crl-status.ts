// CRL processing of RFC 5280 6.3.3 for one certificate: which CRLs are in scope for which
// distribution point, the reasons each covers, delta CRLs, and the entry that decides. Signature and
// CRL-issuer path checks (6.3.3 f, g) are the caller's, passed in as `verifyCrl`, because they need
// the certification path the certificate sits in.
import { ALL_REASONS, distributionPointNames, generalNamesMatch, type DistributionPoint, type GeneralName } from './extensions.js';
import { formatName, namesMatch, type Name } from './name.js';
import { bytesEqual, isCaCertificate, type PathCertificate } from './parsed-certificate.js';
import { reasonName, REMOVE_FROM_CRL, type CrlEntry, type PathCrl } from './parsed-crl.js';

export type CrlVerification = { ok: true; signerKey: string } | { ok: false; detail: string };

export interface CrlCheckContext {
  readonly crls: readonly PathCrl[];
  readonly at: Date;
  /** 6.3.3 (f), (g): the CRL's signature, and a valid path to the key that made it. */
  verifyCrl(crl: PathCrl): Promise<CrlVerification>;
}

export type CrlFailure = { code: 'CRL_INVALID' | 'CRL_EXPIRED'; detail: string };

export type CrlStatus =
  | { kind: 'good' }
  | { kind: 'revoked'; reason: string; at: Date }
  /** `failure`: the first CRL in scope that could not be used; `partial`: some reasons were covered. */
  | { kind: 'undetermined'; failure: CrlFailure | undefined; partial: boolean };

/** The distribution point every certificate has: CRLs from its issuer not tied to a named point. */
type Point = DistributionPoint & { implicit: boolean };

export async function checkCrlStatus(cert: PathCertificate, ctx: CrlCheckContext): Promise<CrlStatus> {
  const points: Point[] = [...(cert.crlDistributionPoints ?? []).map((dp) => ({ ...dp, implicit: false })), { name: undefined, reasons: undefined, crlIssuer: undefined, implicit: true }];
  const complete = ctx.crls.filter((c) => c.baseCrlNumber === undefined);
  let reasonsMask = 0;
  let failure: CrlFailure | undefined;
  const note = (f: CrlFailure): void => {
    failure ??= f;
  };

  for (const dp of points) {
    for (const crl of complete) {
      if (reasonsMask === ALL_REASONS) return { kind: 'good' };
      // (b) scope: issuer, distribution point, and kind of certificate.
      if (!inScope(dp, crl, cert)) continue;
      // (d), (e): what this CRL can add to the reasons already covered.
      const interim = (crl.issuingDistributionPoint?.onlySomeReasons ?? ALL_REASONS) & (dp.reasons ?? ALL_REASONS);
      if ((interim & ~reasonsMask) === 0) continue;
      // (a) currency.
      const issuerText = `CRL #${crl.crlNumber ?? '?'} of ${formatName(crl.issuer)}`;
      if (crl.nextUpdate && crl.nextUpdate.getTime() < ctx.at.getTime()) {
        note({ code: 'CRL_EXPIRED', detail: `${issuerText} was due for renewal at ${crl.nextUpdate.toISOString()}` });
        continue;
      }
      // RFC 5280 5.2 and 5.3: a CRL with a critical extension we do not process is not used at all.
      if (crl.unknownCriticalExtension) {
        note({ code: 'CRL_INVALID', detail: `${issuerText} has the unknown critical extension ${crl.unknownCriticalExtension}` });
        continue;
      }
      if (crl.unknownCriticalEntryExtension) {
        note({ code: 'CRL_INVALID', detail: `${issuerText} has the unknown critical entry extension ${crl.unknownCriticalEntryExtension}` });
        continue;
      }
      // (f), (g) issuer path and signature.
      const verified = await ctx.verifyCrl(crl);
      if (!verified.ok) {
        note({ code: 'CRL_INVALID', detail: `${issuerText}: ${verified.detail}` });
        continue;
      }
      // (c), (h) a delta CRL for this complete CRL, if one is given and usable.
      const delta = await findDelta(crl, verified.signerKey, ctx);
      // (i)-(k): the delta CRL decides first; removeFromCRL there means not revoked.
      const entry = (delta && findEntry(delta, cert)) ?? findEntry(crl, cert);
      reasonsMask |= interim;
      if (entry && entry.reason !== REMOVE_FROM_CRL) return { kind: 'revoked', reason: reasonName(entry.reason), at: entry.revocationDate };
    }
  }
  if (reasonsMask === ALL_REASONS) return { kind: 'good' };
  return { kind: 'undetermined', failure, partial: reasonsMask !== 0 };
}

function inScope(dp: Point, crl: PathCrl, cert: PathCertificate): boolean {
  const idp = crl.issuingDistributionPoint;
  // (b)(1): an indirect CRL named by cRLIssuer, or a CRL from the certificate's issuer.
  if (dp.crlIssuer) {
    if (!idp?.indirectCRL || !dp.crlIssuer.some((g) => g.kind === 'directoryName' && namesMatch(g.name, crl.issuer))) return false;
  } else if (!namesMatch(crl.issuer, cert.issuer)) return false;
  if (!idp) return true;
  // (b)(2)(i): a CRL for a named distribution point covers only certificates that point to it.
  if (idp.name) {
    if (dp.implicit) return false;
    const idpNames = distributionPointNames(idp.name, crl.issuer);
    if (dp.name) {
      if (!generalNamesMatch(idpNames, distributionPointNames(dp.name, relativeBase(dp, cert)))) return false;
    } else if (!dp.crlIssuer || !generalNamesMatch(idpNames, dp.crlIssuer)) return false;
  }
  // (b)(2)(ii)-(iv).
  if (idp.onlyContainsUserCerts && isCaCertificate(cert)) return false;
  if (idp.onlyContainsCACerts && !isCaCertificate(cert)) return false;
  return !idp.onlyContainsAttributeCerts;
}

/** RFC 5280 4.2.1.13: nameRelativeToIssuer is relative to cRLIssuer when present, else to the issuer. */
function relativeBase(dp: Point, cert: PathCertificate): Name {
  const dir = dp.crlIssuer?.find((g): g is Extract<GeneralName, { kind: 'directoryName' }> => g.kind === 'directoryName');
  return dir ? dir.name : cert.issuer;
}

/** 5.3.3: on an indirect CRL an entry belongs to the certificate issuer in force for it. */
function findEntry(crl: PathCrl, cert: PathCertificate): CrlEntry | undefined {
  const candidates = crl.entries.get(cert.serialNumber.toString());
  if (!candidates) return undefined;
  return candidates.find((e) => {
    if (!e.certificateIssuer) return namesMatch(crl.issuer, cert.issuer);
    return e.certificateIssuer.some((g) => g.kind === 'directoryName' && namesMatch(g.name, cert.issuer));
  });
}

/**
 * 6.3.3 (c), (g), (h) and 5.2.4: a delta CRL applies to a complete CRL of the same issuer and scope
 * whose number is at least the delta's BaseCRLNumber, is newer than it, is current, and is signed
 * with the same key. The newest usable one is taken; none is not an error.
 */
async function findDelta(complete: PathCrl, signerKey: string, ctx: CrlCheckContext): Promise<PathCrl | undefined> {
  const base = complete.crlNumber;
  if (base === undefined) return undefined;
  const deltas = ctx.crls
    .filter(
      (d) =>
        d.baseCrlNumber !== undefined &&
        d.baseCrlNumber <= base &&
        d.crlNumber !== undefined &&
        d.crlNumber > base &&
        namesMatch(d.issuer, complete.issuer) &&
        sameScope(d, complete) &&
        !(d.nextUpdate && d.nextUpdate.getTime() < ctx.at.getTime()) &&
        !d.unknownCriticalExtension &&
        !d.unknownCriticalEntryExtension,
    )
    .sort((a, b) => (a.crlNumber! > b.crlNumber! ? -1 : 1));
  for (const d of deltas) {
    const v = await ctx.verifyCrl(d);
    if (v.ok && v.signerKey === signerKey) return d;
  }
  return undefined;
}

function sameScope(a: PathCrl, b: PathCrl): boolean {
  const x = a.issuingDistributionPointDer;
  const y = b.issuingDistributionPointDer;
  return x === undefined || y === undefined ? x === y : bytesEqual(x, y);
}
