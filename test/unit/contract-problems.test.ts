// The ContractError -> problem+json table, exercised through a fastify scope with the handler the
// contract routes use: every code answers its documented status and stable code, client input is
// explained (with defects), server-side failures are not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fastify } from 'fastify';
import { CONTRACT_PROBLEMS, handleContractErrors } from '../../src/api/contract-problems.js';
import { ContractError, type ContractErrorCode } from '../../src/contracts/contract-error.js';

const CODES = Object.keys(CONTRACT_PROBLEMS) as ContractErrorCode[];

describe('contract problems', () => {
  it('gives every ContractError code its own stable wire code', () => {
    const wire = CODES.map((c) => CONTRACT_PROBLEMS[c].code);
    assert.equal(new Set(wire).size, wire.length);
    for (const w of wire) assert.match(w, /^[a-z][a-z_]+$/);
  });

  it('answers each code through the route error handler', async () => {
    const app = fastify();
    await app.register((scope, _o, done) => {
      handleContractErrors(scope);
      scope.get<{ Params: { code: ContractErrorCode } }>('/fail/:code', async (req) => {
        throw new ContractError(req.params.code, `secret detail of ${req.params.code}`, [{ code: 'D1', detail: 'what is wrong' }]);
      });
      scope.get('/other', async () => {
        throw new Error('internal');
      });
      done();
    });
    for (const code of CODES) {
      const res = await app.inject({ method: 'GET', url: `/fail/${code}` });
      const p = CONTRACT_PROBLEMS[code];
      const body = res.json<{ code: string; status: number; type: string; detail: string; defects?: unknown[] }>();
      assert.equal(res.statusCode, p.status, code);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.deepEqual([body.code, body.status, body.type], [p.code, p.status, `urn:plugtrust:problem:${p.code}`]);
      if (p.status < 500) {
        assert.equal(body.detail, `secret detail of ${code}`);
        assert.deepEqual(body.defects, [{ code: 'D1', detail: 'what is wrong' }]);
      } else {
        assert.equal(body.detail, p.detail, 'server-side details stay in the log');
        assert.equal(body.defects, undefined);
      }
    }
    const other = await app.inject({ method: 'GET', url: '/other' });
    assert.deepEqual([other.statusCode, other.json<{ code: string }>().code], [500, 'internal_error']);
    await app.close();
  });
});
