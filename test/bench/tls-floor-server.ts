// Floor process of `npm run bench:tls`: what the platform alone costs per mutual-TLS station. The
// same TLS listener as the CSMS (createOcppTlsListener: certificate, cipher suites, client
// certificate requested) and a bare `ws` upgrade on it, with no OCPP, authentication or database
// behind it. The gap between its RSS per station and the CSMS's is what the CSMS itself adds.
// IPC as tls-server.ts (tls-server-ipc.ts).
import { WebSocketServer, type WebSocket } from 'ws';
import { kekSource } from '../../src/ca/kek-source.js';
import { silentLogger } from '../../src/log.js';
import { loadOcppTlsMaterial } from '../../src/ocpp/ocpp-tls-start.js';
import { createOcppTlsListener } from '../../src/ocpp/tls-listener.js';
import { openDb } from '../../src/store/db.js';
import { createStore } from '../../src/store/store.js';
import { answerTlsBench } from './tls-server-ipc.js';

async function main(): Promise<void> {
  const [dataDir] = process.argv.slice(2);
  if (!dataDir) throw new Error('usage: tls-floor-server <data-dir>');
  const db = await openDb({ dataDir });
  const kek = kekSource({ dataDir, log: silentLogger() });
  const material = await loadOcppTlsMaterial({ certFile: undefined, keyFile: undefined, store: createStore(db), kek, now: () => new Date() });
  await db.close();
  const { server } = createOcppTlsListener(material);
  const wss = new WebSocketServer({ server, perMessageDeflate: false, handleProtocols: (protocols) => (protocols.has('ocpp2.0.1') ? 'ocpp2.0.1' : false) });
  const sockets = new Set<WebSocket>();
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.once('close', () => sockets.delete(ws));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  answerTlsBench({ count: () => sockets.size, stop: async () => undefined });
  const address = server.address();
  process.send?.({ ready: true, port: typeof address === 'object' && address ? address.port : 0 });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
