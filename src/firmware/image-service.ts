// Firmware images: upload (streamed to disk), signing with our firmware-signer service key, or a
// manufacturer's signature and certificate verified against the manufacturer roots. An image is
// usable only once its signature is verified; before each use the file is checked again, so that
// a byte changed on disk after verification withdraws the image instead of reaching a station.
import { X509Certificate } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { parseCertificate, toPem } from '../../pki/certificate/parse-certificate.js';
import type { CaService } from '../ca/ca-service.js';
import type { Logger } from '../log.js';
import type { FirmwareImage, FirmwareImageRepo, SignatureHash } from '../store/firmware-images.js';
import { FirmwareError } from './firmware-error.js';
import { decodeSignature, hashFile, signerHash, signImageFile, verifyFileSignature } from './image-signature.js';
import { imagePath, storeUpload } from './image-upload.js';
import { readSigningCertificate, verifySigningCertificate } from './manufacturer-trust.js';

export const FIRMWARE_SIGNER_PURPOSE = 'firmware-signer';

export interface ImageServiceDeps {
  images: FirmwareImageRepo;
  ca: Pick<CaService, 'serviceSigner'>;
  /** <data-dir>/firmware */
  dir: string;
  maxBytes: number;
  manufacturerRoots: readonly Uint8Array[];
  now: () => Date;
  log: Logger;
}

export interface ImageMetadata {
  vendor: string;
  models: string[];
  version: string;
  fileName: string;
}

export interface ManufacturerSignature {
  signature: string;
  signingCertificate: string;
  hash?: SignatureHash;
}

export interface ImageService {
  upload(body: Readable, meta: ImageMetadata, by: string): Promise<FirmwareImage>;
  get(id: string): Promise<FirmwareImage>;
  sign(id: string, by: string): Promise<FirmwareImage>;
  attachSignature(id: string, sig: ManufacturerSignature, by: string): Promise<FirmwareImage>;
  /** The image, verified and intact on disk, or FW_IMAGE_NOT_VERIFIED / FW_IMAGE_TAMPERED. */
  usable(id: string): Promise<FirmwareImage>;
}

export function createImageService(deps: ImageServiceDeps): ImageService {
  const { images } = deps;
  // Files checked since they last changed: id -> "size:mtime:ino" of the verified file.
  const intact = new Map<string, string>();

  async function get(id: string): Promise<FirmwareImage> {
    const image = await images.get(id);
    if (!image) throw new FirmwareError('FW_IMAGE_NOT_FOUND', 'no firmware image has this id');
    return image;
  }

  /** Step shared by both ways of signing: the file must still be the uploaded bytes. */
  async function checkUploadedBytes(image: FirmwareImage): Promise<void> {
    const digest = await hashFile(imagePath(deps.dir, image.id)).catch(() => null);
    if (!digest || Buffer.compare(Buffer.from(digest), Buffer.from(image.sha256)) !== 0) {
      await images.markTampered(image.id, 'the file on disk no longer matches the uploaded SHA-256');
      throw new FirmwareError('FW_IMAGE_TAMPERED', 'the image file no longer matches the SHA-256 computed at upload; it is withdrawn');
    }
  }

  async function record(image: FirmwareImage, sig: { source: 'csms' | 'manufacturer'; signature: Uint8Array; hash: SignatureHash; leafPem: string; chainPem: string | null }, by: string): Promise<FirmwareImage> {
    const ok = await images.setSignature(image.id, { source: sig.source, signature: sig.signature, hash: sig.hash, signingCertificate: sig.leafPem, signingChain: sig.chainPem, at: deps.now(), by });
    if (!ok) throw new FirmwareError('FW_IMAGE_ALREADY_SIGNED', 'the image was signed meanwhile');
    deps.log.info({ imageId: image.id, source: sig.source, by }, 'firmware image signature verified');
    return get(image.id);
  }

  /** The signing certificate must still be acceptable when the image is sent, not only when it was signed. */
  async function checkCertificateStillValid(image: FirmwareImage): Promise<void> {
    const chain = readSigningCertificate((image.signingCertificate ?? '') + (image.signingChain ?? '')).chain;
    if (image.signatureSource === 'manufacturer') return verifySigningCertificate(chain, deps.manufacturerRoots, deps.now());
    const validTo = new Date(new X509Certificate(chain[0] as Uint8Array).validTo);
    if (validTo.getTime() <= deps.now().getTime()) throw new FirmwareError('FW_CERTIFICATE_UNTRUSTED', `the firmware signing certificate expired at ${validTo.toISOString()}; upload the image again and sign it with the renewed key`);
  }

  return {
    async upload(body, meta, by) {
      const stored = await storeUpload(body, deps.dir, deps.maxBytes);
      const image = await images.insert({ id: stored.id, ...meta, sizeBytes: stored.sizeBytes, sha256: stored.sha256, md5: stored.md5, createdBy: by, createdAt: deps.now() });
      deps.log.info({ imageId: image.id, vendor: meta.vendor, version: meta.version, sizeBytes: stored.sizeBytes, by }, 'firmware image uploaded');
      return image;
    },
    get,
    async sign(id, by) {
      const image = await get(id);
      if (image.signatureState !== 'unsigned') throw new FirmwareError('FW_IMAGE_ALREADY_SIGNED', `the image is ${image.signatureState}`);
      const service = await deps.ca.serviceSigner(FIRMWARE_SIGNER_PURPOSE);
      if (!service) throw new FirmwareError('FW_SIGNER_UNAVAILABLE', 'no firmware-signer service key exists (run plugtrust pki init, or issue the firmware-signer service key)');
      await checkUploadedBytes(image);
      const path = imagePath(deps.dir, image.id);
      const signature = await signImageFile(service.signer, path);
      const hash = signerHash(service.signer);
      // What the station will do, done first: our own signature must verify with our certificate.
      if (!(await verifyFileSignature(path, service.certificate, signature, hash))) throw new FirmwareError('FW_SIGNATURE_INVALID', 'the firmware signer produced a signature that does not verify');
      // The station holds the root (ManufacturerRootCertificate): the sub-CAs are kept to show the path.
      const subCas = service.chain.filter((der) => {
        const c = parseCertificate(der);
        return Buffer.compare(Buffer.from(c.subjectDer), Buffer.from(c.issuerDer)) !== 0;
      });
      return record(image, { source: 'csms', signature, hash, leafPem: toPem(service.certificate, 'CERTIFICATE'), chainPem: subCas.length ? subCas.map((d) => toPem(d, 'CERTIFICATE')).join('') : null }, by);
    },
    async attachSignature(id, input, by) {
      const image = await get(id);
      if (image.signatureState !== 'unsigned') throw new FirmwareError('FW_IMAGE_ALREADY_SIGNED', `the image is ${image.signatureState}`);
      // Step 1: the inputs are well formed (nothing is stored otherwise).
      const signature = decodeSignature(input.signature);
      const cert = readSigningCertificate(input.signingCertificate);
      // Step 2: the certificate chains to a configured manufacturer root.
      await verifySigningCertificate(cert.chain, deps.manufacturerRoots, deps.now());
      // Step 3: the file is the uploaded one, and the signature covers exactly it.
      await checkUploadedBytes(image);
      const hash = input.hash ?? 'sha256';
      if (!(await verifyFileSignature(imagePath(deps.dir, image.id), cert.chain[0] as Uint8Array, signature, hash))) {
        throw new FirmwareError('FW_SIGNATURE_INVALID', `the signature does not verify over the image (${hash}) with the signing certificate's key`);
      }
      return record(image, { source: 'manufacturer', signature, hash, leafPem: cert.leafPem, chainPem: cert.intermediatesPem }, by);
    },
    async usable(id) {
      const image = await get(id);
      if (image.signatureState === 'tampered') throw new FirmwareError('FW_IMAGE_TAMPERED', `the image is withdrawn: ${image.tamperReason ?? 'tampered'}`);
      if (image.signatureState !== 'verified' || !image.signature || !image.signingCertificate || !image.signatureHash) {
        throw new FirmwareError('FW_IMAGE_NOT_VERIFIED', 'the image has no verified signature; sign it or attach the manufacturer signature first');
      }
      await checkCertificateStillValid(image);
      const path = imagePath(deps.dir, image.id);
      const st = await stat(path).catch(() => null);
      const fingerprint = st ? `${st.size}:${st.mtimeMs}:${st.ino}` : null;
      if (fingerprint && intact.get(id) === fingerprint) return image;
      // Changed (or not checked by this process yet): hash and verify the signature again.
      const ok = st !== null && st.size === image.sizeBytes && (await verifyFileSignature(path, readSigningCertificate(image.signingCertificate).chain[0] as Uint8Array, image.signature, image.signatureHash));
      if (!ok) {
        intact.delete(id);
        await images.markTampered(id, 'the file on disk no longer matches its verified signature');
        deps.log.error({ imageId: id }, 'firmware image changed on disk after verification; withdrawn');
        throw new FirmwareError('FW_IMAGE_TAMPERED', 'the image file no longer matches its verified signature; it is withdrawn');
      }
      intact.set(id, fingerprint ?? '');
      return image;
    },
  };
}
