// Which certificate stores a root must reach on a station. Plug & Charge needs more than the store
// named after the root:
//  - V2GRootCertificate: the SECC's own chain and CPS chains end in it (ISO 15118-2 Annex F,
//    Table F.1), and so may a contract certificate chain: ISO 15118-2 Annex F lets the MO sub-CA 1
//    be signed by a V2G root instead of an MO root. A station looks for a contract's trust anchor
//    in its MORootCertificate store (OCPP 2.0.1 Part 2 M05, MORootCertificate: "root certificate
//    for verification of Mobility Operator certificates"; C07 local contract validation). A V2G root
//    therefore goes into both stores: installed as V2GRootCertificate alone, contracts issued under
//    it no longer validate on the station and Plug & Charge breaks.
//  - MORootCertificate: an eMSP's own root is needed in the MO store only.
//  - CSMSRootCertificate, ManufacturerRootCertificate: one store each (A00, L01).
// A removal reaches the same stores, so that a root rolled out together is retired together.
import type { InstallCertificateUse } from './root-certificate.js';

const ROLLOUT: Readonly<Record<InstallCertificateUse, readonly InstallCertificateUse[]>> = {
  V2GRootCertificate: ['V2GRootCertificate', 'MORootCertificate'],
  MORootCertificate: ['MORootCertificate'],
  CSMSRootCertificate: ['CSMSRootCertificate'],
  ManufacturerRootCertificate: ['ManufacturerRootCertificate'],
};

/** Every store a root stated as `use` must be installed in (or removed from), in order. */
export function rolloutUses(use: InstallCertificateUse): InstallCertificateUse[] {
  return [...ROLLOUT[use]];
}
