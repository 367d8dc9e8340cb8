// Streams an uploaded image to disk under the firmware directory, computing SHA-256 (the identity
// the signature covers) and MD5 (PublishFirmware.checksum, OCPP 2.0.1 L03) on the way, and
// refusing more than maxBytes without ever holding the image in memory. The file appears under
// its final name only when complete.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FirmwareError } from './firmware-error.js';

export interface StoredUpload {
  id: string;
  path: string;
  sizeBytes: number;
  sha256: Uint8Array;
  md5: Uint8Array;
}

export const imagePath = (dir: string, id: string): string => join(dir, `${id}.bin`);

export async function storeUpload(body: Readable, dir: string, maxBytes: number): Promise<StoredUpload> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const id = randomUUID();
  const partial = join(dir, `${id}.part`);
  const sha256 = createHash('sha256');
  const md5 = createHash('md5');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > maxBytes) return done(new FirmwareError('FW_IMAGE_TOO_LARGE', `the image exceeds the limit of ${maxBytes} bytes`));
      sha256.update(chunk);
      md5.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(body, meter, createWriteStream(partial, { mode: 0o600 }));
  } catch (err) {
    await rm(partial, { force: true });
    if (err instanceof FirmwareError) throw err;
    // The client went away or the body was cut short: nothing is kept.
    throw new FirmwareError('FW_IMAGE_INCOMPLETE', 'the upload ended before the whole body was received');
  }
  if (size === 0) {
    await rm(partial, { force: true });
    throw new FirmwareError('FW_IMAGE_EMPTY', 'the image is empty');
  }
  const path = imagePath(dir, id);
  await rename(partial, path);
  return { id, path, sizeBytes: size, sha256: new Uint8Array(sha256.digest()), md5: new Uint8Array(md5.digest()) };
}
