// The certificates the status checks may rely on, kept in memory for the hot path:
// - MO roots: trust anchors of contract chains (Authorize, OCPP 2.0.1 C07.FR.06): the configured
//   PEM file (--mo-roots-file) and the MO roots our CA registry holds.
// - Issuer candidates for verifying foreign OCSP answers (RFC 6960 3.2): the above, the CAs we
//   operate, a configured file of further CAs (--ocsp-issuers-file: foreign V2G/MO sub-CAs), and
//   the CA certificates of contract chains that validated to an MO root (learned, bounded).
// The registry part is reloaded in the background once it is older than `refreshMs`.
import type { Logger } from '../log.js';

export interface RegistryCertificate {
  certificate: Uint8Array;
  /** The CA's profile id ('mo-root', 'v2g-root', ...). */
  profile: string;
}

export interface KnownCertificatesOptions {
  moRootsFromFile: readonly Uint8Array[];
  issuersFromFile: readonly Uint8Array[];
  registry: () => Promise<readonly RegistryCertificate[]>;
  now: () => Date;
  /** Default 60 s. */
  refreshMs?: number;
  /** Most learned sub-CAs kept. Default 1,000. */
  learnedMax?: number;
  log: Pick<Logger, 'warn'>;
}

export interface KnownCertificates {
  moRoots(): readonly Uint8Array[];
  issuerCandidates(): readonly Uint8Array[];
  /** Remembers a CA certificate of a chain that validated to a trusted root. */
  learn(der: Uint8Array): void;
  /** Reloads the registry part now. */
  refresh(): Promise<void>;
}

const key = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');

export function createKnownCertificates(opts: KnownCertificatesOptions): KnownCertificates {
  const refreshMs = opts.refreshMs ?? 60_000;
  const learnedMax = opts.learnedMax ?? 1000;
  // Insertion order: the oldest learned certificate is dropped first.
  const learned = new Map<string, Uint8Array>();
  let registryMoRoots: readonly Uint8Array[] = [];
  let registryAll: readonly Uint8Array[] = [];
  let loadedAtMs = -Infinity;
  let loading: Promise<void> | null = null;
  let candidates: readonly Uint8Array[] | null = null;

  function refresh(): Promise<void> {
    loading ??= opts
      .registry()
      .then((list) => {
        registryMoRoots = list.filter((c) => c.profile === 'mo-root').map((c) => c.certificate);
        registryAll = list.map((c) => c.certificate);
        candidates = null;
      })
      .catch((err: unknown) => opts.log.warn({ err }, 'loading the CA registry certificates failed; keeping the previous set'))
      .finally(() => {
        loadedAtMs = opts.now().getTime();
        loading = null;
      });
    return loading;
  }

  function maybeRefresh(): void {
    if (opts.now().getTime() - loadedAtMs >= refreshMs) void refresh();
  }

  return {
    moRoots() {
      maybeRefresh();
      return [...opts.moRootsFromFile, ...registryMoRoots];
    },
    issuerCandidates() {
      maybeRefresh();
      candidates ??= [...opts.moRootsFromFile, ...opts.issuersFromFile, ...registryAll, ...learned.values()];
      return candidates;
    },
    learn(der) {
      const k = key(der);
      if (learned.has(k)) return;
      learned.set(k, der);
      if (learned.size > learnedMax) learned.delete(learned.keys().next().value as string);
      candidates = null;
    },
    refresh,
  };
}
