import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { permitAfterAnswer } from '../../src/csms/before-accepted.js';

describe('permitAfterAnswer (B02.FR.09)', () => {
  const cases: [string, unknown, unknown, ReturnType<typeof permitAfterAnswer>][] = [
    ['TriggerMessage', { requestedMessage: 'Heartbeat' }, { status: 'Accepted' }, { action: 'Heartbeat', once: true }],
    ['TriggerMessage', { requestedMessage: 'SignV2GCertificate' }, { status: 'Accepted' }, { action: 'SignCertificate', once: true }],
    ['TriggerMessage', { requestedMessage: 'StatusNotification' }, { status: 'Rejected' }, null],
    ['TriggerMessage', { requestedMessage: 'StatusNotification' }, { status: 'NotImplemented' }, null],
    ['TriggerMessage', { requestedMessage: 'Bogus' }, { status: 'Accepted' }, null],
    ['GetBaseReport', { requestId: 1, reportBase: 'FullInventory' }, { status: 'Accepted' }, { action: 'NotifyReport', once: false }],
    ['GetReport', { requestId: 1 }, { status: 'EmptyResultSet' }, null],
    ['GetLog', {}, { status: 'AcceptedCanceled' }, { action: 'LogStatusNotification', once: false }],
    ['Reset', { type: 'Immediate' }, { status: 'Accepted' }, null],
  ];
  for (const [action, req, res, expected] of cases) {
    it(`${action} ${JSON.stringify(req)} answered ${JSON.stringify(res)} -> ${expected ? expected.action : 'nothing'}`, () => {
      assert.deepEqual(permitAfterAnswer(action, req, res), expected);
    });
  }
});
