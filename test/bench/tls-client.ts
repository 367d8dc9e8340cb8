// Client process of `npm run bench:tls`: a share of the stations, driven over IPC by tls.ts, so
// that the stations' own TLS work (key operations, the server's chain) is spread over processes
// as real stations are spread over machines. Each station builds its TLS context once and keeps
// it across reconnects, as a real station keeps its configuration.
import { createSecureContext, type ConnectionOptions, type SecureContext } from 'node:tls';
import WebSocket from 'ws';

export interface ClientStation {
  id: string;
  cert: string;
  key: string;
  localAddress: string;
}

export type ClientCommand =
  | { op: 'init'; stations: ClientStation[]; rootPem: string; withCert: boolean }
  | { op: 'handshakes'; count: number; concurrency: number; port: number }
  | { op: 'connect-all'; concurrency: number; port: number }
  | { op: 'arm-reconnect'; port: number }
  | { op: 'close-all' };

/** Answers: `done` for a command (with its figures), `all-back` when every station reconnected. */
export type ClientReply = { kind: 'done'; value: number } | { kind: 'all-back'; atMs: number };

interface Station extends ClientStation {
  ws: WebSocket | null;
  context?: SecureContext;
}

let stations: Station[] = [];
let rootPem = '';
let withCert = true;
let sharedContext: SecureContext | undefined;

function connect(port: number, st: Station): Promise<WebSocket | null> {
  return new Promise((resolve) => {
    const secureContext = withCert ? (st.context ??= createSecureContext({ ca: rootPem, cert: st.cert, key: st.key })) : (sharedContext ??= createSecureContext({ ca: rootPem }));
    // ws hands its options to tls.connect, which takes a ready secureContext.
    const tlsOptions: ConnectionOptions = { secureContext };
    const ws = new WebSocket(`wss://localhost:${port}/ocpp/${st.id}`, ['ocpp2.0.1'], { ...(tlsOptions as object), localAddress: st.localAddress, perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', () => {
      ws.terminate();
      resolve(null);
    });
    ws.once('error', () => resolve(null));
  });
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, concurrency) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function run(cmd: ClientCommand): Promise<number> {
  switch (cmd.op) {
    case 'init':
      stations = cmd.stations.map((s) => ({ ...s, ws: null }));
      rootPem = cmd.rootPem;
      withCert = cmd.withCert;
      return stations.length;
    case 'handshakes': {
      let failed = 0;
      await pool(stations.slice(0, cmd.count), cmd.concurrency, async (st) => {
        const ws = await connect(cmd.port, st);
        if (!ws) failed++;
        ws?.terminate();
      });
      return failed;
    }
    case 'connect-all': {
      await pool(stations, cmd.concurrency, async (st) => {
        for (let attempt = 0; !st.ws && attempt < 5; attempt++) st.ws = await connect(cmd.port, st);
      });
      return stations.filter((s) => s.ws).length;
    }
    case 'arm-reconnect': {
      // Every station whose connection closes retries every 0.5-1.5 s until it is back.
      let back = 0;
      const reconnect = async (st: Station): Promise<void> => {
        while (!st.ws) {
          await new Promise((r) => setTimeout(r, 500 + Math.random() * 1000));
          st.ws = await connect(cmd.port, st);
        }
        if (++back === stations.length) send({ kind: 'all-back', atMs: Date.now() });
      };
      for (const st of stations) {
        st.ws?.once('close', () => {
          st.ws = null;
          void reconnect(st);
        });
      }
      return 0;
    }
    case 'close-all':
      for (const st of stations) {
        st.ws?.removeAllListeners('close');
        st.ws?.terminate();
        st.ws = null;
      }
      return 0;
  }
}

function send(reply: ClientReply): void {
  process.send?.(reply);
}

process.on('message', (cmd: ClientCommand) => {
  run(cmd).then(
    (value) => send({ kind: 'done', value }),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
process.on('disconnect', () => process.exit(0));
