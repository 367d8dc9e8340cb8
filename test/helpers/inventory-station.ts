// A charging station's certificate stores, played by the ocpp-rpc strict client (which checks
// every CALL we send against its own copy of the OCA schemas): InstallCertificate,
// GetInstalledCertificateIds and DeleteCertificate behave as OCPP 2.0.1 M03-M05 describe, with
// switches for a station that rejects, answers with a CALLERROR, or hashes with another algorithm.
import { createHash, X509Certificate } from 'node:crypto';
import { RPCClient } from 'ocpp-rpc';

export type InstallBehaviour = 'accept' | 'reject' | 'fail';

export interface FakeStationOptions {
  url: string;
  identity: string;
  vendorName?: string;
  model?: string;
  /** How InstallCertificate is answered, per certificate type (default accept). */
  install?: InstallBehaviour | Partial<Record<string, InstallBehaviour>>;
  /** The hash algorithm of its reports (default SHA256). */
  hashAlgorithm?: 'SHA256' | 'SHA384' | 'SHA512';
  /** Answers GetInstalledCertificateIds/InstallCertificate with this CALLERROR code. */
  callError?: string;
  /** Drops its connection, unanswered, the first time it is asked to install this certificate type. */
  dropOnce?: string;
}

export interface HashData {
  hashAlgorithm: string;
  issuerNameHash: string;
  issuerKeyHash: string;
  serialNumber: string;
}

export interface FakeStation {
  identity: string;
  client: InstanceType<typeof RPCClient>;
  /** certificateType -> installed PEMs (trimmed). */
  stores: Map<string, string[]>;
  /** Every action received, in order. */
  received: string[];
  connect(): Promise<void>;
  close(): Promise<void>;
  hashDataOf(pem: string): HashData;
}

const NODE_HASH = { SHA256: 'sha256', SHA384: 'sha384', SHA512: 'sha512' } as const;

/** Hash data computed the way a station would, with node:crypto only (independent of src/). */
function hashDataFor(pem: string, alg: 'SHA256' | 'SHA384' | 'SHA512'): HashData {
  const x = new X509Certificate(pem);
  const der = x.raw;
  // issuer Name DER and the subjectPublicKey BIT STRING value, read with a tiny DER walker.
  const tbs = childrenOf(der, 0)[0]!;
  const fields = childrenOf(der, tbs.start);
  let i = der[fields[0]!.start] === 0xa0 ? 1 : 0;
  const serial = fields[i++]!;
  i++; // signature
  const issuer = fields[i]!;
  const spki = fields[i + 3]!;
  const bitString = childrenOf(der, spki.start)[1]!;
  const h = (b: Buffer): string => createHash(NODE_HASH[alg]).update(b).digest('hex');
  return {
    hashAlgorithm: alg,
    issuerNameHash: h(der.subarray(issuer.start, issuer.end)),
    issuerKeyHash: h(der.subarray(bitString.contentStart + 1, bitString.end)),
    serialNumber: der.subarray(serial.contentStart, serial.end).toString('hex').replace(/^0+/, '') || '0',
  };
}

interface Tlv {
  start: number;
  contentStart: number;
  end: number;
}

function readTlv(b: Buffer, at: number): Tlv {
  let len = b[at + 1]!;
  let p = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + b[p + k]!;
    p += n;
  }
  return { start: at, contentStart: p, end: p + len };
}

function childrenOf(b: Buffer, at: number): Tlv[] {
  const outer = readTlv(b, at);
  const out: Tlv[] = [];
  for (let p = outer.contentStart; p < outer.end; ) {
    const t = readTlv(b, p);
    out.push(t);
    p = t.end;
  }
  return out;
}

const sameHash = (a: HashData, b: HashData): boolean =>
  a.hashAlgorithm === b.hashAlgorithm && a.issuerNameHash.toLowerCase() === b.issuerNameHash.toLowerCase() && a.issuerKeyHash.toLowerCase() === b.issuerKeyHash.toLowerCase() && a.serialNumber.toLowerCase().replace(/^0+/, '') === b.serialNumber.toLowerCase().replace(/^0+/, '');

export function createFakeStation(opts: FakeStationOptions): FakeStation {
  const alg = opts.hashAlgorithm ?? 'SHA256';
  const stores = new Map<string, string[]>();
  const received: string[] = [];
  let dropped = false;
  let client = makeClient();

  function behaviourFor(type: string): InstallBehaviour {
    if (typeof opts.install === 'string' || opts.install === undefined) return opts.install ?? 'accept';
    return opts.install[type] ?? 'accept';
  }

  function makeClient(): InstanceType<typeof RPCClient> {
    const c = new RPCClient({ endpoint: opts.url, identity: opts.identity, protocols: ['ocpp2.0.1'], strictMode: true, reconnect: false } as never);
    const refuse = (): void => {
      if (opts.callError) throw Object.assign(new Error('refused by test station'), { rpcErrorCode: opts.callError });
    };
    c.handle('InstallCertificate', async ({ params }) => {
      const { certificateType, certificate } = params as { certificateType: string; certificate: string };
      received.push(`InstallCertificate:${certificateType}`);
      refuse();
      if (opts.dropOnce === certificateType && !dropped) {
        dropped = true;
        await c.close({ force: true });
        throw new Error('connection dropped by test station');
      }
      const b = behaviourFor(certificateType);
      if (b === 'reject') return { status: 'Rejected', statusInfo: { reasonCode: 'InvalidCertificate' } };
      if (b === 'fail') return { status: 'Failed' };
      const list = stores.get(certificateType) ?? [];
      const pem = certificate.trim();
      if (!list.includes(pem)) list.push(pem);
      stores.set(certificateType, list);
      return { status: 'Accepted' };
    });
    c.handle('GetInstalledCertificateIds', async ({ params }) => {
      const types = (params as { certificateType?: string[] }).certificateType;
      received.push('GetInstalledCertificateIds');
      refuse();
      const chain = [...stores.entries()]
        .filter(([t]) => !types || types.includes(t))
        .flatMap(([t, pems]) => pems.map((pem) => ({ certificateType: t, certificateHashData: hashDataFor(pem, alg) })));
      return chain.length === 0 ? { status: 'NotFound' } : { status: 'Accepted', certificateHashDataChain: chain };
    });
    c.handle('DeleteCertificate', async ({ params }) => {
      const wanted = (params as { certificateHashData: HashData }).certificateHashData;
      received.push('DeleteCertificate');
      let found = false;
      for (const [t, pems] of stores) {
        const keep = pems.filter((pem) => !sameHash(hashDataFor(pem, alg), wanted));
        if (keep.length !== pems.length) found = true;
        stores.set(t, keep);
      }
      return { status: found ? 'Accepted' : 'NotFound' };
    });
    return c;
  }

  return {
    identity: opts.identity,
    get client() {
      return client;
    },
    stores,
    received,
    async connect() {
      client = makeClient();
      await client.connect();
      await client.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: opts.vendorName ?? 'TestVendor', model: opts.model ?? 'T-1' } });
    },
    async close() {
      await client.close({ force: true });
    },
    hashDataOf: (pem) => hashDataFor(pem, alg),
  };
}
