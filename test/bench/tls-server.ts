// Server process of `npm run bench:tls`: the real CSMS with its OCPP TLS port, driven over IPC
// (ready -> mem / count / stop), so that its RSS is measured apart from the clients'.
import { loadConfig } from '../../src/config.js';
import { openAndStartCsms } from '../../src/start.js';

interface Request {
  id: number;
  op: 'mem' | 'count' | 'stop';
}

async function main(): Promise<void> {
  const [dataDir, tlsPort, auth, cpoName] = process.argv.slice(2);
  if (!dataDir || !tlsPort || !auth || !cpoName) throw new Error('usage: tls-server <data-dir> <tls-port> <enforce|off> <cpo-name>');
  const config = loadConfig({
    argv: ['--ocpp-host', '127.0.0.1', '--ocpp-port', '0', '--ocpp-tls-port', tlsPort, '--http-host', '127.0.0.1', '--http-port', '0', '--data-dir', dataDir, '--station-auth', auth, '--cpo-name', cpoName, '--log-level', 'silent', '--ping-interval', '0', '--no-record-payloads'],
    env: {},
  });
  const t0 = Date.now();
  const csms = await openAndStartCsms(config);
  process.on('message', (m: Request) => {
    void (async () => {
      if (m.op === 'mem') {
        for (let i = 0; i < 3; i++) {
          globalThis.gc?.();
          await new Promise((r) => setTimeout(r, 50));
        }
        process.send?.({ id: m.id, value: process.memoryUsage().rss });
      } else if (m.op === 'count') process.send?.({ id: m.id, value: csms.ocpp.connectedCount() });
      else {
        await csms.close();
        process.send?.({ id: m.id, value: 0 }, () => process.exit(0));
      }
    })();
  });
  process.send?.({ ready: true, port: csms.ocppTlsPort, startupMs: Date.now() - t0 });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
