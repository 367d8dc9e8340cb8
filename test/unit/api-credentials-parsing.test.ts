import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/api/errors.js';
import { parseForm } from '../../src/api/form-parser.js';
import { readBearerToken } from '../../src/api/require-scope.js';
import { parseScope } from '../../src/api/scopes.js';
import { hashSecret, verifySecret } from '../../src/api/secret-hash.js';
import { readBasicCredentials } from '../../src/api/token-route.js';

const FAST = { N: 1024, r: 8, p: 1 };

describe('hashSecret / verifySecret', () => {
  it('stores scrypt$N$r$p$salt$hash with a 16-byte salt, and verifies only the right secret', async () => {
    const encoded = await hashSecret('correct horse battery', FAST);
    const m = /^scrypt\$1024\$8\$1\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(encoded);
    assert.ok(m, encoded);
    assert.equal(Buffer.from(m[1]!, 'base64url').length, 16);
    assert.equal(await verifySecret(encoded, 'correct horse battery'), true);
    assert.equal(await verifySecret(encoded, 'correct horse batterY'), false);
    assert.ok(!encoded.includes('correct'));
  });

  it('salts every hash', async () => {
    assert.notEqual(await hashSecret('same secret value', FAST), await hashSecret('same secret value', FAST));
  });

  it('uses the default cost when none is given', async () => {
    assert.match(await hashSecret('x'.repeat(20)), /^scrypt\$32768\$8\$1\$/);
  });

  const unreadable: [string, string][] = [
    ['empty', ''],
    ['other scheme', 'bcrypt$2b$10$abc'],
    ['N not a power of two', 'scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['N huge (memory exhaustion)', 'scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['r zero', 'scrypt$1024$0$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['short hash', 'scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA'],
    ['missing part', 'scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA'],
  ];
  for (const [name, encoded] of unreadable) {
    it(`refuses an unreadable hash: ${name}`, async () => {
      assert.equal(await verifySecret(encoded, 'anything'), false);
    });
  }
});

describe('parseScope (RFC 6749 §3.3)', () => {
  const table: [string, string[] | null][] = [
    ['stations:read', ['stations:read']],
    ['stations:read calls:send', ['stations:read', 'calls:send']],
    ['stations:read stations:read', ['stations:read']],
    ['', null],
    ['stations:read  calls:send', null],
    [' stations:read', null],
    ['stations:read\tcalls:send', null],
    ['quote"d', null],
  ];
  for (const [input, expected] of table) {
    it(JSON.stringify(input), () => assert.deepEqual(parseScope(input), expected));
  }
});

describe('readBasicCredentials (RFC 6749 §2.3.1)', () => {
  const basic = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;
  const table: [string, string | undefined, ReturnType<typeof readBasicCredentials>][] = [
    ['absent', undefined, undefined],
    ['another scheme', 'Bearer abc', undefined],
    ['plain', basic('operator:s3cret'), { clientId: 'operator', clientSecret: 's3cret' }],
    ['secret with a colon', basic('operator:a:b'), { clientId: 'operator', clientSecret: 'a:b' }],
    ['form-encoded before base64', basic('op%20one:p%2Bq+r'), { clientId: 'op one', clientSecret: 'p+q r' }],
    ['lower-case scheme', `basic ${Buffer.from('a:b').toString('base64')}`, { clientId: 'a', clientSecret: 'b' }],
    ['no colon', basic('operator'), 'malformed'],
    ['empty client id', basic(':secret'), 'malformed'],
    ['bad percent-encoding', basic('op%zz:secret'), 'malformed'],
    ['not base64', 'Basic ***', 'malformed'],
    ['scheme only', 'Basic', 'malformed'],
  ];
  for (const [name, header, expected] of table) {
    it(name, () => assert.deepEqual(readBasicCredentials(header), expected));
  }
});

describe('readBearerToken (RFC 6750 §2.1)', () => {
  const table: [string, string | undefined, string | undefined][] = [
    ['absent', undefined, undefined],
    ['another scheme', 'Basic abc', undefined],
    ['token', 'Bearer a.b-c_d~e+f/g=', 'a.b-c_d~e+f/g='],
    ['lower-case scheme', 'bearer abc', 'abc'],
    ['scheme only', 'Bearer', ''],
    ['illegal character', 'Bearer a b', ''],
  ];
  for (const [name, header, expected] of table) {
    it(name, () => assert.equal(readBearerToken(header), expected));
  }
});

describe('parseForm', () => {
  it('decodes application/x-www-form-urlencoded', () => {
    assert.deepEqual(parseForm('grant_type=client_credentials&scope=stations%3Aread+calls%3Asend'), { grant_type: 'client_credentials', scope: 'stations:read calls:send' });
  });

  it('refuses a repeated parameter (RFC 6749 §3.2)', () => {
    assert.throws(() => parseForm('client_id=a&client_id=b'), (err: unknown) => err instanceof ApiError && err.code === 'invalid_request');
  });

  it('keeps __proto__ as a plain key', () => {
    const parsed = parseForm('__proto__=x&a=1');
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value, 'x');
  });
});
