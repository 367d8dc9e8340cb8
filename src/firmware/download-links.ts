// Unguessable, expiring download URLs for an image: 256 random bits in the path are the
// credential (the station downloads without any other authentication). Only the SHA-256 of the
// token is stored, so the database alone cannot produce a working URL.
import { createHash, randomBytes } from 'node:crypto';
import type { FirmwareImageRepo } from '../store/firmware-images.js';

export const DOWNLOAD_PREFIX = '/firmware';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export const tokenHash = (token: string): Uint8Array => new Uint8Array(createHash('sha256').update(token).digest());
export const isTokenShaped = (token: string): boolean => TOKEN.test(token);

/** A file name safe in a URL path segment; the download route ignores it (stations like a name). */
export function urlFileName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
  return safe === '' || safe === '.' || safe === '..' ? 'firmware.bin' : safe;
}

export interface LinkRequest {
  imageId: string;
  fileName: string;
  jobId: string | null;
  publicationId: string | null;
  expiresAt: Date;
  now: Date;
}

/** Stores a new link and returns its URL under `baseUrl` (at most 512 characters: FirmwareType.location). */
export async function createDownloadLink(images: Pick<FirmwareImageRepo, 'insertLink'>, baseUrl: string, req: LinkRequest): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await images.insertLink({ tokenHash: tokenHash(token), imageId: req.imageId, jobId: req.jobId, publicationId: req.publicationId, expiresAt: req.expiresAt, createdAt: req.now });
  return `${baseUrl.replace(/\/+$/, '')}${DOWNLOAD_PREFIX}/${token}/${urlFileName(req.fileName)}`;
}
