import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fastify } from 'fastify';
import { buildOpsApp, registerOpsRoutes } from '../../src/api/ops-app.js';
import { createMetrics } from '../../src/metrics.js';

const pinging = (ok: boolean) => ({ ping: () => Promise.resolve(ok) });

describe('ops app', () => {
  it('/healthz answers 200 {status: ok} without touching the database', async () => {
    let pings = 0;
    const app = buildOpsApp({ db: { ping: () => Promise.resolve((pings++, false)) }, metrics: createMetrics() });
    const res = await app.inject({ url: '/healthz' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok' });
    assert.equal(pings, 0);
    await app.close();
  });

  const readiness: [string, boolean, number, string][] = [
    ['database answers', true, 200, 'ready'],
    ['database does not answer', false, 503, 'unavailable'],
  ];
  for (const [name, ok, status, text] of readiness) {
    it(`/readyz: ${name} -> ${status}`, async () => {
      const app = buildOpsApp({ db: pinging(ok), metrics: createMetrics() });
      const res = await app.inject({ url: '/readyz' });
      assert.equal(res.statusCode, status);
      assert.deepEqual(res.json(), { status: text, checks: { database: ok } });
      assert.equal(res.headers['cache-control'], 'no-store');
      await app.close();
    });
  }

  it('/metrics serves the registry in the Prometheus text format', async () => {
    const metrics = createMetrics();
    metrics.connectedStations.set(3);
    const app = buildOpsApp({ db: pinging(true), metrics });
    const res = await app.inject({ url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], metrics.registry.contentType);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.match(res.body, /^plugtrust_connected_stations 3$/m);
    assert.match(res.body, /# TYPE plugtrust_ocpp_frames_total counter/);
    await app.close();
  });

  it('registerOpsRoutes puts the same routes on another app, without authentication', async () => {
    const app = fastify();
    registerOpsRoutes(app, { db: pinging(false), metrics: createMetrics() });
    assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
    assert.equal((await app.inject({ url: '/readyz' })).statusCode, 503);
    assert.equal((await app.inject({ url: '/metrics' })).statusCode, 200);
    await app.close();
  });
});
