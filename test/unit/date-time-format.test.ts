// The date-time format remembers the last string it found valid (a busy CSMS validates the same
// currentTime over and over); remembering must never let an invalid string through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOcppAjv } from '../../src/ocpp/schemas.js';

test('date-time: the remembered valid string passes again; empty and invalid strings never do', () => {
  const validate = createOcppAjv().compile({ type: 'object', properties: { t: { type: 'string', format: 'date-time' } } });
  // Before anything was found valid, the empty string is not a date-time.
  assert.equal(validate({ t: '' }), false);
  for (let round = 0; round < 3; round++) {
    assert.equal(validate({ t: '2026-11-21T23:59:59.123Z' }), true);
    assert.equal(validate({ t: '2026-11-21T23:59:59.123Z' }), true);
    assert.equal(validate({ t: '' }), false);
    assert.equal(validate({ t: '2026-02-30T00:00:00Z' }), false);
    assert.equal(validate({ t: '2026-11-21T23:59:59' }), false, 'a time offset is mandatory');
  }
  assert.equal(validate({ t: '2026-11-22T00:00:00+01:00' }), true);
  assert.equal(validate({ t: '2026-11-21T23:59:59.123Z' }), true);
});
