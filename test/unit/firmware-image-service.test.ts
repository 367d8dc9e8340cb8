// The image service over an in-memory repository: upload, signing with the service key (a key and
// certificate made by openssl here), the checks before each use: certificate lifetime, the file
// on disk (a changed byte withdraws the image), and the unsigned state.
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { before, describe, it } from 'node:test';
import { pemBlocks } from '../../pki/certificate/parse-certificate.js';
import { softwareSigner } from '../../src/ca/software-signer.js';
import { FirmwareError } from '../../src/firmware/firmware-error.js';
import { createImageService, type ImageService } from '../../src/firmware/image-service.js';
import { silentLogger } from '../../src/log.js';
import type { FirmwareImage, FirmwareImageRepo } from '../../src/store/firmware-images.js';
import { makeManufacturer } from '../helpers/firmware-manufacturer.js';

function memoryImages(): FirmwareImageRepo & { rows: Map<string, FirmwareImage> } {
  const rows = new Map<string, FirmwareImage>();
  const unused = (): never => {
    throw new Error('not used here');
  };
  return {
    rows,
    insert: (i) => {
      const image: FirmwareImage = { ...i, signatureState: 'unsigned', signatureSource: null, signature: null, signatureHash: null, signingCertificate: null, signingChain: null, signedAt: null, signedBy: null, tamperReason: null };
      rows.set(i.id, image);
      return Promise.resolve(image);
    },
    get: (id) => Promise.resolve(rows.get(id) ?? null),
    list: () => Promise.resolve([...rows.values()]),
    setSignature(id, s) {
      const r = rows.get(id);
      if (!r || r.signatureState !== 'unsigned') return Promise.resolve(false);
      rows.set(id, { ...r, signatureState: 'verified', signatureSource: s.source, signature: s.signature, signatureHash: s.hash, signingCertificate: s.signingCertificate, signingChain: s.signingChain, signedAt: s.at, signedBy: s.by });
      return Promise.resolve(true);
    },
    markTampered(id, reason) {
      const r = rows.get(id);
      if (r) rows.set(id, { ...r, signatureState: 'tampered', tamperReason: reason });
      return Promise.resolve();
    },
    insertLink: unused,
    findLink: unused,
    recordDownload: unused,
    linksForJob: unused,
    allowsUnsecured: unused,
    setPolicy: unused,
  };
}

describe('image service', () => {
  let dir: string;
  let images: ReturnType<typeof memoryImages>;
  let service: ImageService;
  let offsetMs = 0;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'fw-images-'));
    const m = makeManufacturer('Signer');
    const signer = softwareSigner(createPrivateKey(readFileSync(join(m.dir, 'signer.key'))));
    const certificate = pemBlocks(m.signerPem, 'CERTIFICATE')[0] as Uint8Array;
    const root = pemBlocks(m.rootPem, 'CERTIFICATE')[0] as Uint8Array;
    images = memoryImages();
    service = createImageService({
      images,
      ca: { serviceSigner: () => Promise.resolve({ signer, certificate, chain: [root] }) },
      dir,
      maxBytes: 1024 * 1024,
      manufacturerRoots: [],
      now: () => new Date(Date.now() + offsetMs),
      log: silentLogger(),
    });
  });

  const upload = (bytes: Buffer): Promise<FirmwareImage> => service.upload(Readable.from([bytes.subarray(0, 10), bytes.subarray(10)]), { vendor: 'V', models: ['M'], version: '1', fileName: 'f.bin' }, 'test');

  it('is not usable before it is signed', async () => {
    const image = await upload(Buffer.alloc(5000, 1));
    await assert.rejects(service.usable(image.id), (e: unknown) => e instanceof FirmwareError && e.code === 'FW_IMAGE_NOT_VERIFIED');
  });

  it('is usable once signed; the root is not stored as an intermediate', async () => {
    const image = await upload(Buffer.alloc(5000, 2));
    const signed = await service.sign(image.id, 'test');
    assert.equal(signed.signatureState, 'verified');
    assert.equal(signed.signingChain, null);
    assert.equal((await service.usable(image.id)).id, image.id);
  });

  it('is refused once the signing certificate has expired', async () => {
    const image = await upload(Buffer.alloc(5000, 3));
    await service.sign(image.id, 'test');
    offsetMs = 60 * 86_400_000;
    try {
      await assert.rejects(service.usable(image.id), (e: unknown) => e instanceof FirmwareError && e.code === 'FW_CERTIFICATE_UNTRUSTED');
    } finally {
      offsetMs = 0;
    }
  });

  it('withdraws an image whose file changed after signing', async () => {
    const image = await upload(Buffer.alloc(5000, 4));
    await service.sign(image.id, 'test');
    await service.usable(image.id);
    const fd = openSync(join(dir, `${image.id}.bin`), 'r+');
    writeSync(fd, Buffer.from([9]), 0, 1, 4000);
    closeSync(fd);
    await assert.rejects(service.usable(image.id), (e: unknown) => e instanceof FirmwareError && e.code === 'FW_IMAGE_TAMPERED');
    assert.equal(images.rows.get(image.id)?.signatureState, 'tampered');
  });

  it('refuses to sign a file that changed since upload', async () => {
    const image = await upload(Buffer.alloc(5000, 5));
    const fd = openSync(join(dir, `${image.id}.bin`), 'r+');
    writeSync(fd, Buffer.from([9]), 0, 1, 0);
    closeSync(fd);
    await assert.rejects(service.sign(image.id, 'test'), (e: unknown) => e instanceof FirmwareError && e.code === 'FW_IMAGE_TAMPERED');
  });

  it('refuses an upload above the limit and keeps no file', async () => {
    await assert.rejects(upload(Buffer.alloc(1024 * 1024 + 1)), (e: unknown) => e instanceof FirmwareError && e.code === 'FW_IMAGE_TOO_LARGE');
    const { readdirSync } = await import('node:fs');
    assert.equal(readdirSync(dir).filter((f) => f.endsWith('.part')).length, 0);
  });
});
