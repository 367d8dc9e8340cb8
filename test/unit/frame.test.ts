import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeCallError, parseFrame } from '../../src/ocpp/frame.js';
import { parseStationPath } from '../../src/ocpp/identity.js';

describe('parseFrame', () => {
  it('parses the three message types', () => {
    assert.deepEqual(parseFrame('[2,"a","Heartbeat",{}]'), { ok: true, frame: { type: 2, messageId: 'a', action: 'Heartbeat', payload: {} } });
    assert.deepEqual(parseFrame('[3,"a",{"x":1}]'), { ok: true, frame: { type: 3, messageId: 'a', payload: { x: 1 } } });
    assert.deepEqual(parseFrame('[4,"a","GenericError","d",{}]'), { ok: true, frame: { type: 4, messageId: 'a', errorCode: 'GenericError', errorDescription: 'd', errorDetails: {} } });
  });

  const bad: [string, string, string, boolean][] = [
    ['nope', 'RpcFrameworkError', '-1', true],
    ['[1.5,"a"]', 'RpcFrameworkError', '-1', true],
    ['[5,"x",{}]', 'MessageTypeNotSupported', 'x', true],
    [`[2,"${'i'.repeat(36)}","Heartbeat"]`, 'ProtocolError', 'i'.repeat(36), true],
    ['[3,"a"]', 'ProtocolError', 'a', false],
    ['[3,"a",[]]', 'ProtocolError', 'a', false],
    ['[4,"a","X","d"]', 'ProtocolError', 'a', false],
    ['[4,"a",1,"d",{}]', 'ProtocolError', 'a', false],
    ['[3,7,{}]', 'RpcFrameworkError', '-1', false],
  ];
  for (const [text, code, id, reply] of bad) {
    it(`${text.slice(0, 40)} -> ${code}${reply ? '' : ' (never answered)'}`, () => {
      const r = parseFrame(text);
      assert.equal(r.ok, false);
      if (!r.ok) assert.deepEqual([r.failure.error, r.failure.messageId, r.failure.reply], [code, id, reply]);
    });
  }

  it('caps error descriptions at 255 characters', () => {
    const f = JSON.parse(encodeCallError('a', 'GenericError', 'x'.repeat(400))) as unknown[];
    assert.equal((f[3] as string).length, 255);
  });
});

describe('parseStationPath', () => {
  const cases: [string, string | number][] = [
    ['/ocpp/CS1', 'CS1'],
    ['/ocpp/CS%201', 400],
    ['/ocpp/CS%2D1', 'CS-1'],
    ['/ocpp/CS1?x=1', 'CS1'],
    ['/ocpp/', 404],
    ['/ocpp', 404],
    ['/ocpp/a/b', 404],
    ['/other/CS1', 404],
    ['/ocpp/a%3Ab', 400],
    ['/ocpp/%E0%A4%A', 400],
    [`/ocpp/${'x'.repeat(48)}`, 'x'.repeat(48)],
    [`/ocpp/${'x'.repeat(49)}`, 400],
  ];
  for (const [url, expected] of cases) {
    it(`${url.slice(0, 30)} -> ${String(expected).slice(0, 12)}`, () => {
      const r = parseStationPath(url);
      if (typeof expected === 'string') assert.deepEqual(r, { ok: true, identity: expected });
      else assert.equal(r.ok ? 0 : r.status, expected);
    });
  }
});
