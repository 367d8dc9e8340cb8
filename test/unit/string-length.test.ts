// Our maxLength/minLength keywords must give ajv's own verdicts and error objects on every string,
// surrogate pairs and lone surrogates included, and keep ajv's keyword order (lengths before pattern
// and format), which decides the OCPP error code when a string breaks several rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv, type ValidateFunction } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { createOcppAjv } from '../../src/ocpp/schemas.js';
import { codePointLength } from '../../src/ocpp/string-length.js';

// Seeded, so that a failure can be replayed.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PIECES = ['a', 'x', '9', '\u00e9', '\u{1F600}', '\uD800', '\uDC00', '\uDBFF\uDFFF', ' ', '-'];
function randomString(next: () => number, max: number): string {
  let s = '';
  const n = Math.floor(next() * (max + 1));
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(next() * PIECES.length)];
  return s;
}

// ajv's reference count (its runtime helper), restated: a high surrogate followed by a low one is one.
function referenceLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++, n++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return n;
}

test('codePointLength counts surrogate pairs once and lone surrogates once each', () => {
  assert.equal(codePointLength(''), 0);
  assert.equal(codePointLength('abc'), 3);
  assert.equal(codePointLength('\u{1F600}'), 1);
  assert.equal(codePointLength('\uD800'), 1);
  assert.equal(codePointLength('\uDC00\uD800'), 2);
  assert.equal(codePointLength('\uD800\uD800\uDC00'), 2);
  const next = rng(7);
  for (let i = 0; i < 20_000; i++) {
    const s = randomString(next, 12);
    assert.equal(codePointLength(s), referenceLength(s), JSON.stringify(s));
  }
});

test('maxLength and minLength: the same verdicts and errors as ajv, also beside pattern and format', () => {
  const ours = createOcppAjv();
  const ajvs = new Ajv({ strictSchema: false, strictTypes: false, allErrors: false, verbose: false });
  ajvs.addFormat('date-time', fullFormats['date-time']);
  const schemas: object[] = [];
  for (let limit = 0; limit <= 6; limit++) {
    schemas.push({ type: 'string', maxLength: limit }, { type: 'string', minLength: limit }, { type: 'string', minLength: limit, maxLength: limit + 2 });
    schemas.push({ type: 'string', pattern: '^a', maxLength: limit }, { type: 'string', format: 'date-time', minLength: limit, maxLength: limit + 1 });
  }
  const pairs: [ValidateFunction, ValidateFunction, object][] = schemas.map((s) => [ours.compile({ type: 'object', properties: { v: s } }), ajvs.compile({ type: 'object', properties: { v: s } }), s]);
  const next = rng(11);
  for (let i = 0; i < 4_000; i++) {
    const v = randomString(next, 14);
    for (const [a, b, schema] of pairs) {
      const okA = a({ v });
      const okB = b({ v });
      assert.equal(okA, okB, `${JSON.stringify(schema)} on ${JSON.stringify(v)}`);
      assert.deepEqual(a.errors ?? null, b.errors ?? null, `${JSON.stringify(schema)} on ${JSON.stringify(v)}`);
    }
  }
});
