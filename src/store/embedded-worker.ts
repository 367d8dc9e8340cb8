// Runs the embedded database (PGlite, WebAssembly) on a worker thread and serves it on a unix
// socket, so that database work uses the second core instead of the OCPP event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { serveEmbeddedDatabase } from './embedded-socket-server.js';

export interface EmbeddedWorkerData {
  pgdata: string;
  socketPath: string;
}

export type EmbeddedWorkerMessage = { type: 'ready' } | { type: 'error'; message: string } | { type: 'stopped' };

async function run(): Promise<void> {
  const { pgdata, socketPath } = workerData as EmbeddedWorkerData;
  const port = parentPort;
  if (!port) throw new Error('embedded-worker must run as a worker thread');
  let lite: PGlite;
  try {
    lite = await PGlite.create(pgdata);
  } catch (err) {
    port.postMessage({ type: 'error', message: (err as Error).message } satisfies EmbeddedWorkerMessage);
    return;
  }
  // The pool holds one connection; the server admits a few so that a replacement can connect
  // while a dropped one is still being detached (otherwise it is refused and a query fails).
  const server = await serveEmbeddedDatabase(lite, socketPath, { maxConnections: 4 });
  port.on('message', (msg: { type: 'stop' }) => {
    if (msg.type !== 'stop') return;
    void (async () => {
      await server.close();
      await lite.close();
      port.postMessage({ type: 'stopped' } satisfies EmbeddedWorkerMessage);
    })();
  });
  port.postMessage({ type: 'ready' } satisfies EmbeddedWorkerMessage);
}

void run();
