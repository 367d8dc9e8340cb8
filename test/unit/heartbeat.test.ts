import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { handleHeartbeat } from '../../src/csms/g-availability/heartbeat.js';

describe('Heartbeat handler', () => {
  it('answers the time each heartbeat was received, to the millisecond', () => {
    const handler = handleHeartbeat();
    const answer = (iso: string): unknown => handler({ session: { stationId: 'S', registrationStatus: 'Accepted', remoteAddress: null }, messageId: 'm', receivedAt: new Date(iso) }, {} as never);
    for (const iso of ['2026-11-22T08:00:00.000Z', '2026-11-22T08:00:00.000Z', '2026-11-22T08:00:00.001Z', '2026-11-22T08:00:00.000Z', '1999-12-31T23:59:59.999Z', '2026-11-22T08:00:00.001Z']) {
      assert.deepEqual(answer(iso), { currentTime: iso });
    }
  });
});
