// RFC 4180 escaping and CSV formula neutralisation (src/inventory/csv.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvField, csvLine } from '../../src/inventory/csv.js';

describe('csvField', () => {
  const cases: [string, string | number | boolean | null, string][] = [
    ['plain', 'CS-001', 'CS-001'],
    ['null_is_empty', null, ''],
    ['boolean', true, 'true'],
    ['comma_quoted', 'CN=Root, O=X', '"CN=Root, O=X"'],
    ['quote_doubled', 'say "hi"', '"say ""hi"""'],
    ['newline_quoted', 'a\nb', '"a\nb"'],
    ['formula_equals', '=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'],
    ['formula_plus', '+1+1', "'+1+1"],
    ['formula_minus', '-2', "'-2"],
    ['formula_at', '@SUM(A1)', "'@SUM(A1)"],
    ['formula_tab', '\t=1', "'\t=1"],
    ['formula_cr', '\r=1', '"\'\r=1"'],
    ['number_not_neutralised', -5, '-5'],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => assert.equal(csvField(input), expected));
  }
  it('csvLine joins with commas and ends with CRLF', () => assert.equal(csvLine(['a', null, 'b,c']), 'a,,"b,c"\r\n'));
});
