// The server side of `npm run bench:firmware`, in its own process: either the real CSMS (a station
// played by the ocpp-rpc client takes UpdateFirmware and hands the download URL to the bench), or
// a bare node HTTP server streaming the same file with fs.createReadStream, as the yardstick.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RPCClient } from 'ocpp-rpc';
import { createCaService } from '../../src/ca/ca-service.js';
import { kekSource } from '../../src/ca/kek-source.js';
import { silentLogger } from '../../src/log.js';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { createStore } from '../../src/store/store.js';
import { startTestCsms } from '../helpers/csms.js';
import { firmwareApi } from '../helpers/firmware-api.js';
import { LAB } from '../helpers/test-ca.js';
import { createTestDatabase } from '../helpers/test-db.js';

export type ServerMessage = { url: string; jobId?: string; uploadSeconds?: number; signSeconds?: number } | { progress: Record<string, unknown> };

const [mode = 'bare', imageFile = ''] = process.argv.slice(2);
const send = (m: ServerMessage): void => void process.send?.(m);

if (mode === 'bare') {
  const size = statSync(imageFile).size;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
    createReadStream(imageFile).pipe(res);
  });
  server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => send({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/image.bin` }));
  process.on('message', () => server.close(() => process.exit(0)));
} else {
  const tdb = await createTestDatabase();
  const db = await openDb({ dataDir: tdb.dataDir, databaseUrl: tdb.databaseUrl });
  await migrate(db);
  await createCaService({ store: createStore(db), kek: kekSource({ dataDir: tdb.dataDir, log: silentLogger() }), publicBaseUrl: 'http://unused.invalid', log: silentLogger() }).initLab(LAB);
  await createStore(db).stations.create({ id: 'BENCH-1', registrationStatus: 'Accepted', securityProfile: 1 });
  await db.close();
  const csms = await startTestCsms(['--firmware-max-bytes', String(2 ** 31)], {}, tdb);
  const api = await firmwareApi(csms);
  // The image goes through the operator API like any other: streamed upload, then our signature.
  let t = performance.now();
  const up = await api.upload(readFileSync(imageFile), { vendor: 'Bench', version: '2.0.0', models: 'B1' });
  const uploadSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  await api.json('POST', `/api/v1/firmware/images/${up.body.id as string}/sign`);
  const signSeconds = (performance.now() - t) / 1000;
  const station = new RPCClient({ endpoint: csms.ocppUrl, identity: 'BENCH-1', protocols: ['ocpp2.0.1'], strictMode: true, reconnect: false } as never);
  const location = new Promise<string>((resolve) => {
    station.handle('UpdateFirmware', async ({ params }) => {
      resolve((params as { firmware: { location: string } }).firmware.location);
      return { status: 'Accepted' };
    });
  });
  await station.connect();
  await station.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Bench', model: 'B1', firmwareVersion: '1.0.0' } });
  const job = await api.json('POST', '/api/v1/stations/BENCH-1/firmware-updates', { imageId: up.body.id });
  send({ url: await location, jobId: job.body.id as string, uploadSeconds, signSeconds });
  process.on('message', (m: string) => {
    void (async () => {
      if (m === 'progress') return send({ progress: (await api.json('GET', `/api/v1/firmware/updates/${job.body.id as string}`)).body.download as Record<string, unknown> });
      await station.close({ force: true });
      await csms.stop();
      await tdb.dispose();
      process.exit(0);
    })();
  });
}
