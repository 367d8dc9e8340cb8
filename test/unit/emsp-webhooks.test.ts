// Webhook pieces without I/O: which URLs are accepted, the back-off schedule and the signature a
// receiver recomputes.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { checkWebhookUrl } from '../../src/contracts/webhooks.js';
import { ContractError } from '../../src/contracts/contract-error.js';
import { backoffMs, signWebhook, webhookBody } from '../../src/jobs/webhook-delivery.js';

describe('webhooks', () => {
  it('accepts http(s) URLs and refuses the rest', () => {
    assert.equal(checkWebhookUrl('https://emsp.example.com/hooks?x=1'), 'https://emsp.example.com/hooks?x=1');
    assert.equal(checkWebhookUrl('http://127.0.0.1:8080/h'), 'http://127.0.0.1:8080/h');
    for (const bad of ['ftp://example.com/', 'javascript:alert(1)', 'file:///etc/passwd', '/relative', 'https://user:pw@example.com/', 'https://example.com/#frag', 'not a url']) {
      assert.throws(() => checkWebhookUrl(bad), (e: unknown) => e instanceof ContractError && e.code === 'WEBHOOK_INVALID', bad);
    }
  });

  it('backs off exponentially from the base, at most an hour', () => {
    assert.deepEqual([1, 2, 3, 4].map((n) => backoffMs(n, 5000)), [5000, 10_000, 20_000, 40_000]);
    assert.equal(backoffMs(30, 5000), 3_600_000);
  });

  it('signs "<t>.<body>" with HMAC-SHA256 under the secret', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const body = webhookBody({ id: '7', emspId: 'e', contractId: 'c', kind: 'revoked', at, stationId: null, detail: { reason: 'keyCompromise' } });
    assert.deepEqual(JSON.parse(body), { id: '7', kind: 'revoked', emspId: 'e', contractId: 'c', at: '2026-01-02T03:04:05.678Z', stationId: null, detail: { reason: 'keyCompromise' } });
    const t = Math.floor(at.getTime() / 1000);
    assert.equal(signWebhook('s3cret', at, body), `t=${t},v1=${createHmac('sha256', 's3cret').update(`${t}.${body}`).digest('hex')}`);
    assert.notEqual(signWebhook('s3cret', at, body), signWebhook('s3cret', at, `${body} `));
  });
});
