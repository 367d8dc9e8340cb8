// RFC 9110 14.1-14.2 single byte ranges for resumed firmware downloads, and If-Range (13.1.5).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideRange, rangeStillValid } from '../../src/firmware/byte-range.js';

describe('decideRange', () => {
  const size = 1000;
  const cases: [string, string | undefined, ReturnType<typeof decideRange>][] = [
    ['no header: the whole image', undefined, { kind: 'full' }],
    ['resume from an offset', 'bytes=500-', { kind: 'partial', start: 500, end: 999 }],
    ['a closed range', 'bytes=0-99', { kind: 'partial', start: 0, end: 99 }],
    ['a last byte past the end is clamped', 'bytes=900-5000', { kind: 'partial', start: 900, end: 999 }],
    ['a suffix range', 'bytes=-100', { kind: 'partial', start: 900, end: 999 }],
    ['a suffix larger than the file', 'bytes=-5000', { kind: 'partial', start: 0, end: 999 }],
    ['a start at the end is unsatisfiable', 'bytes=1000-', { kind: 'unsatisfiable' }],
    ['an empty suffix is unsatisfiable', 'bytes=-0', { kind: 'unsatisfiable' }],
    ['multiple ranges: ignored, whole image', 'bytes=0-1,5-6', { kind: 'full' }],
    ['another unit: ignored', 'items=0-1', { kind: 'full' }],
    ['last before first: invalid, ignored', 'bytes=50-10', { kind: 'full' }],
    ['garbage: ignored', 'bytes=abc', { kind: 'full' }],
    ['no numbers: ignored', 'bytes=-', { kind: 'full' }],
  ];
  for (const [name, header, expected] of cases) it(name, () => assert.deepEqual(decideRange(header, size), expected));
});

describe('rangeStillValid', () => {
  it('applies the range without If-Range or with the current entity tag', () => {
    assert.equal(rangeStillValid(undefined, '"ab"'), true);
    assert.equal(rangeStillValid('"ab"', '"ab"'), true);
  });
  it('ignores the range when the entity tag changed (another file)', () => assert.equal(rangeStillValid('"cd"', '"ab"'), false));
});
