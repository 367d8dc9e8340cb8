// A charging station for firmware tests: the ocpp-rpc strict client answers UpdateFirmware,
// downloads the image over HTTP (in two ranges, as a resumed download), checks the signing
// certificate against its ManufacturerRootCertificate with `openssl verify` and the signature
// with `openssl dgst -verify` (an independent verifier), and reports every state
// (FirmwareStatusNotification), rebooting with the new version before Installed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RPCClient } from 'ocpp-rpc';

export type ChargerBehaviour = 'install' | 'download-fails' | 'install-fails' | 'reject' | 'invalid-certificate' | 'silent';

export interface FirmwareCharger {
  client: InstanceType<typeof RPCClient>;
  /** Statuses sent, in order. */
  sent: string[];
  /** The UpdateFirmware requests received. */
  requests: Record<string, unknown>[];
  /** Resolves when the station has finished handling the latest UpdateFirmware. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface ChargerOptions {
  ocppUrl: string;
  id: string;
  vendor: string;
  model: string;
  version: string;
  /** PEM of the ManufacturerRootCertificate the station holds (needed for secure updates). */
  rootPem?: string;
  behaviour?: ChargerBehaviour;
  /** Skip the download (campaign tests with many stations). */
  skipDownload?: boolean;
  /** Runs after Downloading is reported, before the download starts. */
  beforeDownload?: () => void | Promise<void>;
}

export function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Downloads `url` in two ranges (the second resumes where the first stopped); returns the bytes. */
export async function resumedDownload(url: string): Promise<Buffer> {
  const head = await fetch(url, { method: 'HEAD' });
  if (head.status !== 200) throw new Error(`HEAD ${head.status}`);
  const size = Number(head.headers.get('content-length'));
  const etag = head.headers.get('etag') ?? '';
  const half = Math.floor(size / 2);
  const first = await fetch(url, { headers: { range: `bytes=0-${half - 1}` } });
  if (first.status !== 206) throw new Error(`first range ${first.status}`);
  const a = Buffer.from(await first.arrayBuffer());
  const second = await fetch(url, { headers: { range: `bytes=${a.length}-`, 'if-range': etag } });
  if (second.status !== 206) throw new Error(`second range ${second.status}`);
  return Buffer.concat([a, Buffer.from(await second.arrayBuffer())]);
}

export async function startFirmwareCharger(o: ChargerOptions): Promise<FirmwareCharger> {
  const dir = mkdtempSync(join(tmpdir(), `fw-${o.id}-`));
  const client = new RPCClient({ endpoint: o.ocppUrl, identity: o.id, protocols: ['ocpp2.0.1'], strictMode: true, reconnect: false } as never);
  const sent: string[] = [];
  const requests: Record<string, unknown>[] = [];
  let version = o.version;
  let work: Promise<void> = Promise.resolve();
  const boot = (reason: string): Promise<unknown> => client.call('BootNotification', { reason, chargingStation: { vendorName: o.vendor, model: o.model, firmwareVersion: version } });
  const report = async (status: string, requestId: number): Promise<void> => {
    sent.push(status);
    await client.call('FirmwareStatusNotification', { status, requestId });
  };

  async function run(req: { requestId: number; firmware: { location: string; signingCertificate?: string; signature?: string } }, newVersion: string): Promise<void> {
    const id = req.requestId;
    await report('Downloading', id);
    if (o.behaviour === 'download-fails') return report('DownloadFailed', id);
    if (!o.skipDownload) {
      await o.beforeDownload?.();
      let image: Buffer;
      try {
        image = await resumedDownload(req.firmware.location);
      } catch {
        return report('DownloadFailed', id);
      }
      writeFileSync(join(dir, 'image.bin'), image);
      await report('Downloaded', id);
      if (req.firmware.signature !== undefined && req.firmware.signingCertificate !== undefined) {
        // The signing certificate (first block) and any intermediates after it.
        const blocks = req.firmware.signingCertificate.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];
        writeFileSync(join(dir, 'signer.pem'), blocks[0] ?? '');
        writeFileSync(join(dir, 'intermediates.pem'), blocks.slice(1).join('') || (blocks[0] ?? ''));
        writeFileSync(join(dir, 'root.pem'), o.rootPem ?? '');
        writeFileSync(join(dir, 'sig.der'), Buffer.from(req.firmware.signature, 'base64'));
        try {
          openssl(['verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'intermediates.pem'), join(dir, 'signer.pem')]);
        } catch {
          // The UpdateFirmware answer is already sent: a bad certificate shows as a bad signature.
          return report('InvalidSignature', id);
        }
        writeFileSync(join(dir, 'signer-pub.pem'), openssl(['x509', '-in', join(dir, 'signer.pem'), '-pubkey', '-noout']));
        try {
          openssl(['dgst', '-sha256', '-verify', join(dir, 'signer-pub.pem'), '-signature', join(dir, 'sig.der'), join(dir, 'image.bin')]);
        } catch {
          return report('InvalidSignature', id);
        }
        await report('SignatureVerified', id);
      }
    } else {
      await report('Downloaded', id);
    }
    await report('Installing', id);
    if (o.behaviour === 'install-fails') return report('InstallationFailed', id);
    await report('InstallRebooting', id);
    version = newVersion;
    await boot('FirmwareUpdate');
    await report('Installed', id);
  }

  client.handle('UpdateFirmware', async ({ params }) => {
    const req = params as { requestId: number; firmware: { location: string; signingCertificate?: string; signature?: string } };
    requests.push(req);
    if (o.behaviour === 'reject') return { status: 'Rejected' };
    if (o.behaviour === 'invalid-certificate') return { status: 'InvalidCertificate', statusInfo: { reasonCode: 'NoTrustAnchor' } };
    if (o.behaviour === 'silent') return { status: 'Accepted' };
    // The new version is named in the file name of the URL in these tests: <vendor>-<version>.bin
    const m = /-([^-/]+)\.bin$/.exec(req.firmware.location);
    work = work.then(() => new Promise((r) => setTimeout(r, 20))).then(() => run(req, m?.[1] ?? 'unknown')).catch(() => undefined);
    return { status: 'Accepted' };
  });
  await client.connect();
  await boot('PowerUp');
  return {
    client,
    sent,
    requests,
    idle: () => work,
    close: () => client.close({ force: true }).then(() => undefined),
  };
}
