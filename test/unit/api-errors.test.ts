import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API_ERRORS, ApiError, CALL_FAILURE_ERRORS, FASTIFY_ERRORS, STORE_ERRORS, buildProblem, problemFromError, type ApiErrorCode } from '../../src/api/errors.js';
import { OcppRpcError } from '../../src/ocpp/rpc-error.js';
import { OCPP_ERROR_CODES } from '../../src/ocpp/validation-errors.js';
import { StoreError } from '../../src/store/errors.js';
import { CALL_FAILURES } from '../helpers/call-failure-table.js';

function assertProblemShape(p: ReturnType<typeof buildProblem>, code: ApiErrorCode): void {
  assert.equal(p.code, code);
  assert.equal(p.status, API_ERRORS[code].status);
  assert.equal(p.title, API_ERRORS[code].title);
  assert.equal(p.type, `urn:plugtrust:problem:${code}`);
  assert.equal(typeof p.detail, 'string');
  assert.ok(p.detail.length > 0);
}

describe('API_ERRORS', () => {
  for (const code of Object.keys(API_ERRORS) as ApiErrorCode[]) {
    it(`${code} builds an RFC 9457 problem with its own status`, () => {
      assertProblemShape(buildProblem(code), code);
      assert.ok(API_ERRORS[code].status >= 400 && API_ERRORS[code].status < 600);
    });
  }
});

describe('CALL_FAILURE_ERRORS: OcppRpcError -> problem', () => {
  for (const [rpcCode, status, code] of CALL_FAILURES) {
    it(`${rpcCode} -> ${status} ${code}`, () => {
      const p = problemFromError(new OcppRpcError(rpcCode, `internal text about ${rpcCode}`, { messageId: 'm-1' }));
      assertProblemShape(p, code);
      assert.equal(p.status, status);
      assert.ok(!p.detail.includes('internal text'));
    });
  }

  it('forwards the schema violation of InvalidPayload and InvalidResponse only', () => {
    const violation = { code: 'OccurrenceConstraintViolation', description: '(root) must have required property \'type\'', details: [] };
    assert.deepEqual(problemFromError(new OcppRpcError('InvalidPayload', 'x', violation)).violation, violation);
    assert.deepEqual(problemFromError(new OcppRpcError('InvalidResponse', 'x', violation)).violation, violation);
    assert.equal(problemFromError(new OcppRpcError('CallTimeout', 'x', { messageId: 'm-1' })).violation, undefined);
  });

  it('maps an OCPP-J wire code that reaches the edge as an exception to a broken exchange (502)', () => {
    for (const code of OCPP_ERROR_CODES) {
      assert.equal(CALL_FAILURE_ERRORS[code], 'invalid_response', code);
      assert.equal(problemFromError(new OcppRpcError(code, 'x')).status, 502);
    }
  });
});

describe('STORE_ERRORS: StoreError -> problem, never its message', () => {
  const table: [StoreError['code'], number][] = [
    ['STORE_UNAVAILABLE', 503],
    ['STORE_CONFLICT', 500],
    ['STORE_CONSTRAINT', 500],
    ['STORE_MIGRATION', 500],
    ['STORE_QUERY', 500],
  ];
  for (const [code, status] of table) {
    it(`${code} -> ${status}`, () => {
      const p = problemFromError(new StoreError(code, 'duplicate key value violates unique constraint "stations_pkey"', '23505'));
      assert.equal(p.status, status);
      assert.equal(p.code, STORE_ERRORS[code]);
      assert.ok(!JSON.stringify(p).includes('stations_pkey'));
    });
  }
});

describe('fastify errors -> problem', () => {
  for (const [fstCode, expected] of Object.entries(FASTIFY_ERRORS)) {
    it(`${fstCode} -> ${expected.code}`, () => {
      const err = Object.assign(new Error('fastify text'), { code: fstCode, statusCode: 400, validation: fstCode === 'FST_ERR_VALIDATION' ? [] : undefined });
      const p = problemFromError(err);
      assert.equal(p.code, expected.code);
      assert.ok(!p.detail.includes('fastify text'));
    });
  }

  it('names the failing path of a validation error, including a missing or unknown property', () => {
    const err = Object.assign(new Error('x'), {
      code: 'FST_ERR_VALIDATION',
      statusCode: 400,
      validationContext: 'body',
      validation: [
        { instancePath: '', message: "must have required property 'id'", params: { missingProperty: 'id' } },
        { instancePath: '', message: 'must NOT have additional properties', params: { additionalProperty: 'extra' } },
        { instancePath: '/securityProfile', message: 'must be <= 3', params: { limit: 3 } },
      ],
    });
    const p = problemFromError(err);
    assert.equal(p.status, 400);
    assert.equal(p.code, 'validation_failed');
    assert.equal(p.detail, "body/id must have required property 'id'");
    assert.deepEqual(p.errors, [
      { in: 'body', path: '/id', message: "must have required property 'id'" },
      { in: 'body', path: '/extra', message: 'must NOT have additional properties' },
      { in: 'body', path: '/securityProfile', message: 'must be <= 3' },
    ]);
  });

  it('treats another fastify 4xx as malformed_request', () => {
    const p = problemFromError(Object.assign(new Error('Request header too large'), { code: 'FST_ERR_SOMETHING_NEW', statusCode: 431 }));
    assert.equal(p.code, 'malformed_request');
    assert.equal(p.status, 400);
  });
});

describe('anything else', () => {
  it('becomes a generic 500 without message or stack', () => {
    const err = new TypeError('Cannot read properties of undefined (reading "secretHash")');
    const p = problemFromError(err);
    assertProblemShape(p, 'internal_error');
    const text = JSON.stringify(p);
    assert.ok(!text.includes('secretHash'));
    assert.ok(!text.includes('at '));
  });

  it('keeps the detail an ApiError was given', () => {
    const p = problemFromError(new ApiError('insufficient_scope', 'This operation needs the scope calls:send'));
    assert.equal(p.detail, 'This operation needs the scope calls:send');
    assert.equal(p.status, 403);
  });

  it('ignores a non-error thrown value', () => {
    assert.equal(problemFromError(undefined).code, 'internal_error');
    assert.equal(problemFromError('boom').code, 'internal_error');
  });
});
