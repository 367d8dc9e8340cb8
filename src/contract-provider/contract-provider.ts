// The contract-certificate provider port: given the EV's certificate request (the EXI stream a
// charging station forwards in Get15118EVCertificate, OCPP 2.0.1 M01/M02), produce the EXI response
// for the EV. Two implementations: ours (local-provider.ts: our contracts, our CPS signer) and a
// forwarder to an external contract certificate pool (pool-forwarder.ts, the Open Plug&Charge
// Protocol's /v1/ccp/signedContractData).
import type { ResponseCode } from '../../pki/exi/index.js';

/** ISO 15118-2's message namespace: the only schema whose EXI we read and write. */
export const ISO15118_2_NAMESPACE = 'urn:iso:15118:2:2013:MsgDef';

export type ContractAction = 'Install' | 'Update';

export interface ContractDataRequest {
  readonly action: ContractAction;
  /** The raw EXI stream of CertificateInstallationReq / CertificateUpdateReq. */
  readonly exiRequest: Uint8Array;
  /** The station the EV is connected to, when the request came over OCPP. */
  readonly stationId: string | null;
  /** Who asked, for logs and events: 'station:<id>' or 'api:<client id>'. */
  readonly requester: string;
}

/** A contract the answer concerns (for the eMSP's event feed). */
export interface ContractRef {
  readonly id: string;
  readonly emspId: string;
}

export interface ContractDataResult {
  /** The EXI stream of CertificateInstallationRes / CertificateUpdateRes: always present. */
  readonly exiResponse: Uint8Array;
  readonly responseCode: ResponseCode;
  readonly contract: ContractRef | null;
  /** For operators and logs: why it failed (never key material). */
  readonly detail: string | null;
  /** Which provider answered: 'local' or a pool id. */
  readonly provider: string;
}

export interface ContractCertificateProvider {
  readonly id: string;
  provide(request: ContractDataRequest): Promise<ContractDataResult>;
}

export const isSuccess = (code: ResponseCode): boolean => code === 'OK' || code === 'OK_CertificateExpiresSoon';
