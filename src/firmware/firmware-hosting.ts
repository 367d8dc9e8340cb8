// Serves firmware images to stations at GET /firmware/<token>/<name> (the URL UpdateFirmware and
// PublishFirmware carry). The token in the path is the credential: unknown -> 404, expired -> 410.
// Single byte ranges (RFC 9110 14) let a station resume; If-Range with the image's entity tag
// (its SHA-256) guards against resuming into a different file. The file is streamed from disk
// straight to the socket (reply.hijack()): no fastify serialisation, no buffering of the image.
import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../log.js';
import type { FirmwareImageRepo } from '../store/firmware-images.js';
import { decideRange, rangeStillValid } from './byte-range.js';
import { DOWNLOAD_PREFIX, isTokenShaped, tokenHash } from './download-links.js';
import { jobKey, publicationKey, type DownloadMeter } from './download-meter.js';
import { imagePath } from './image-upload.js';

export interface FirmwareHostingDeps {
  images: Pick<FirmwareImageRepo, 'findLink' | 'recordDownload'>;
  dir: string;
  meter: DownloadMeter;
  now: () => Date;
  log: Logger;
}

/** Read size of the file stream (fs.createReadStream's default). */
const READ_CHUNK = 64 * 1024;

function plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

export function registerFirmwareHosting(app: FastifyInstance, deps: FirmwareHostingDeps): void {
  const handler = async (req: FastifyRequest<{ Params: { token: string; name: string } }>, reply: FastifyReply): Promise<void> => {
    reply.hijack();
    const res = reply.raw;
    const { token } = req.params;
    // Step 1: the token, looked up by its hash.
    const hash = isTokenShaped(token) ? tokenHash(token) : null;
    let link;
    try {
      link = hash ? await deps.images.findLink(hash) : null;
    } catch (err) {
      deps.log.error({ err }, 'firmware link lookup failed');
      return plain(res, 503, 'firmware downloads are unavailable; retry later\n', { 'retry-after': '30' });
    }
    if (!hash || !link) return plain(res, 404, 'no such firmware download\n');
    const now = deps.now();
    if (link.expiresAt.getTime() <= now.getTime()) return plain(res, 410, 'this firmware download link has expired\n');
    if (link.image.signatureState !== 'verified') return plain(res, 410, 'this firmware image is withdrawn\n');
    // Step 2: the range.
    const size = link.image.sizeBytes;
    const etag = `"${Buffer.from(link.image.sha256).toString('hex')}"`;
    const headers: Record<string, string | number> = {
      'content-type': 'application/octet-stream',
      'accept-ranges': 'bytes',
      etag,
      'cache-control': 'private, no-store',
      'content-disposition': `attachment; filename="${link.image.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
    };
    const ifRange = req.headers['if-range'];
    const rangeHeader = rangeStillValid(typeof ifRange === 'string' ? ifRange : undefined, etag) ? req.headers.range : undefined;
    const range = decideRange(rangeHeader, size);
    if (range.kind === 'unsatisfiable') return plain(res, 416, 'range not satisfiable\n', { 'content-range': `bytes */${size}` });
    const start = range.kind === 'partial' ? range.start : 0;
    const end = range.kind === 'partial' ? range.end : size - 1;
    headers['content-length'] = end - start + 1;
    if (range.kind === 'partial') headers['content-range'] = `bytes ${start}-${end}/${size}`;
    res.writeHead(range.kind === 'partial' ? 206 : 200, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    // Step 3: stream; the bytes read are stored when the download ends, and visible live meanwhile.
    const key = link.jobId ? jobKey(link.jobId) : link.publicationId ? publicationKey(link.publicationId) : null;
    const file = createReadStream(imagePath(deps.dir, link.image.id), { start, end, highWaterMark: READ_CHUNK });
    const probe = (): number => file.bytesRead;
    if (key) deps.meter.start(key, probe);
    file.on('error', (err) => {
      deps.log.error({ err, imageId: link.image.id }, 'firmware image cannot be read');
      res.destroy();
    });
    res.once('close', () => {
      const sent = file.bytesRead;
      file.destroy();
      if (key) deps.meter.end(key, probe);
      const complete = res.writableFinished && end === size - 1;
      deps.images.recordDownload(hash, sent, complete, deps.now()).catch((err: unknown) => deps.log.warn({ err }, 'download progress not recorded'));
    });
    file.pipe(res);
  };
  // Not part of the operator API document: stations reach it through the URL they were given.
  app.route({ method: ['GET', 'HEAD'], url: `${DOWNLOAD_PREFIX}/:token/:name`, logLevel: 'warn', exposeHeadRoute: false, schema: { hide: true }, handler });
}
