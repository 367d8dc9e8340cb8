// The IPC of bench:tls's server processes (tls-server.ts, tls-floor-server.ts): the parent asks
// `mem` (RSS after collecting garbage), `cpu` (the process's CPU time so far, all threads, in µs),
// `count` (open stations) or `stop`, each numbered.
export function answerTlsBench(server: { count: () => number; stop: () => Promise<void> }): void {
  process.on('message', (m: { id: number; op: 'mem' | 'cpu' | 'count' | 'stop' }) => {
    void (async () => {
      if (m.op === 'mem') {
        for (let i = 0; i < 3; i++) {
          globalThis.gc?.();
          await new Promise((r) => setTimeout(r, 50));
        }
        process.send?.({ id: m.id, value: process.memoryUsage().rss });
      } else if (m.op === 'cpu') {
        const { user, system } = process.cpuUsage();
        process.send?.({ id: m.id, value: user + system });
      } else if (m.op === 'count') process.send?.({ id: m.id, value: server.count() });
      else {
        await server.stop();
        process.send?.({ id: m.id, value: 0 }, () => process.exit(0));
      }
    })();
  });
}
