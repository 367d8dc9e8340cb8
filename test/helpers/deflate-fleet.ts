// Child process for the deflate memory test: holds the station sockets so that the parent's
// memory is the server's alone. Commands arrive over IPC; each is answered when done.
import WebSocket from 'ws';

const BIG = 'compressible station data '.repeat(80);
const fleets = new Map<string, WebSocket[]>();

interface Command {
  op: 'connect' | 'send' | 'close';
  url: string;
  prefix: string;
  count: number;
  deflate: boolean;
  round: number;
}

async function connect(c: Command): Promise<void> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < c.count; i++) {
    const ws = new WebSocket(`${c.url}/${c.prefix}${i}`, ['ocpp2.0.1'], { perMessageDeflate: c.deflate });
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as unknown[];
      if (m[0] === 2) ws.send(JSON.stringify([3, m[1], { status: 'Accepted', data: BIG }]));
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    sockets.push(ws);
  }
  fleets.set(c.prefix, sockets);
}

async function send(c: Command): Promise<void> {
  const id = `dt${c.round}`;
  await Promise.all(
    (fleets.get(c.prefix) ?? []).map(
      (ws) =>
        new Promise<void>((resolve) => {
          const onMessage = (data: WebSocket.RawData): void => {
            if ((JSON.parse(String(data)) as unknown[])[1] === id) {
              ws.off('message', onMessage);
              resolve();
            }
          };
          ws.on('message', onMessage);
          ws.send(JSON.stringify([2, id, 'DataTransfer', { vendorId: 'station', data: BIG }]));
        }),
    ),
  );
}

process.on('message', (c: Command) => {
  const run = c.op === 'connect' ? connect(c) : c.op === 'send' ? send(c) : Promise.resolve(fleets.get(c.prefix)?.forEach((ws) => ws.terminate()));
  run.then(
    () => process.send?.({ ok: true }),
    (err: unknown) => process.send?.({ ok: false, error: String(err) }),
  );
});
