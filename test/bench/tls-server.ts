// Server process of `npm run bench:tls`: the real CSMS with its OCPP TLS port, driven over IPC
// (tls-server-ipc.ts), so that its RSS is measured apart from the clients'.
import { loadConfig } from '../../src/config.js';
import { openAndStartCsms } from '../../src/start.js';
import { answerTlsBench } from './tls-server-ipc.js';

async function main(): Promise<void> {
  const [dataDir, tlsPort, auth, cpoName] = process.argv.slice(2);
  if (!dataDir || !tlsPort || !auth || !cpoName) throw new Error('usage: tls-server <data-dir> <tls-port> <enforce|off> <cpo-name>');
  const config = loadConfig({
    argv: ['--ocpp-host', '127.0.0.1', '--ocpp-port', '0', '--ocpp-tls-port', tlsPort, '--http-host', '127.0.0.1', '--http-port', '0', '--data-dir', dataDir, '--station-auth', auth, '--cpo-name', cpoName, '--log-level', 'silent', '--ping-interval', '0', '--no-record-payloads'],
    env: {},
  });
  const t0 = Date.now();
  const csms = await openAndStartCsms(config);
  answerTlsBench({ count: () => csms.ocpp.connectedCount(), stop: () => csms.close() });
  process.send?.({ ready: true, port: csms.ocppTlsPort, startupMs: Date.now() - t0 });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
