// eMAID syntax (ISO 15118-2 Annex H / DIN SPEC 91286) and its check digit, against the examples of
// public documents, and the error classes the check digit is designed to catch.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMAID_ALPHABET, emaidCheckDigit, parseEmaid } from '../../pki/emaid.js';

// Published eMAIDs with their check digits.
const KNOWN: readonly { source: string; emaid: string; normalized: string }[] = [
  { source: 'eMI3 / OCHP "Check Digit Calculation for Contract-IDs", worked example', emaid: 'DE-83D-UIEN83QGZ-D', normalized: 'DE83DUIEN83QGZD' },
  { source: 'eMI3 standard v1.0 Part 2 (Business Objects) 1.2.2.1', emaid: 'DE-8AA-CA2B3C4D5-L', normalized: 'DE8AACA2B3C4D5L' },
  { source: 'GIREVE contract id example', emaid: 'FR-XYZ-123456789-2', normalized: 'FRXYZ1234567892' },
];

describe('emaidCheckDigit', () => {
  it('computes the check digit of published eMAIDs', () => {
    for (const k of KNOWN) assert.equal(emaidCheckDigit(k.normalized.slice(0, 14)), k.normalized[14], k.source);
  });

  it('refuses input that is not 14 upper-case alphanumerics', () => {
    for (const bad of ['DE83DUIEN83QG', 'DE83DUIEN83QGZD', 'de83duien83qgz', 'DE-83DUIEN83QG']) assert.throws(() => emaidCheckDigit(bad), RangeError, bad);
  });

  // A deterministic sample of ids (a linear congruential sequence over the alphabet).
  const sample: string[] = [];
  let seed = 12345;
  for (let n = 0; n < 200; n++) {
    let s = '';
    for (let i = 0; i < 14; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      s += EMAID_ALPHABET[seed % 36];
    }
    sample.push(s);
  }
  const withCheck = (s: string): string => s + emaidCheckDigit(s);
  const valid = (s15: string): boolean => emaidCheckDigit(s15.slice(0, 14)) === s15[14];

  it('catches every single-character error at every position', () => {
    for (const s of sample.slice(0, 20)) {
      const full = withCheck(s);
      for (let i = 0; i < 15; i++) {
        for (const c of EMAID_ALPHABET) {
          if (c === full[i]) continue;
          assert.equal(valid(full.slice(0, i) + c + full.slice(i + 1)), false, `${full} with ${c} at ${i}`);
        }
      }
    }
  });

  it('catches adjacent and jump transpositions', () => {
    for (const s of sample) {
      const full = withCheck(s);
      for (let i = 0; i + 1 < 15; i++) {
        if (full[i] !== full[i + 1]) assert.equal(valid(full.slice(0, i) + full[i + 1] + full[i] + full.slice(i + 2)), false, `${full} swap ${i}`);
        if (i + 2 < 15 && full[i] !== full[i + 2]) assert.equal(valid(full.slice(0, i) + full[i + 2] + full[i + 1] + full[i] + full.slice(i + 3)), false, `${full} jump ${i}`);
      }
    }
  });
});

describe('parseEmaid', () => {
  it('reads the published spellings and normalizes them', () => {
    for (const k of KNOWN) {
      for (const spelling of [k.emaid, k.emaid.toLowerCase(), k.normalized]) {
        const r = parseEmaid(spelling);
        assert.ok(r.ok, spelling);
        assert.equal(r.emaid.normalized, k.normalized);
        assert.equal(r.emaid.checkDigit, k.normalized[14]);
      }
    }
  });

  it('accepts the ISO 15118-2 example without check digit or ID type C', () => {
    const r = parseEmaid('DE8AA001234567');
    assert.ok(r.ok);
    assert.deepEqual(r.emaid, { normalized: 'DE8AA001234567', countryCode: 'DE', providerId: '8AA', instance: '001234567', dinIdTypeC: false, checkDigit: null });
    const c = parseEmaid('DE-8AA-CA2B3C4D5');
    assert.ok(c.ok);
    assert.equal(c.emaid.dinIdTypeC, true);
  });

  const BAD: readonly { name: string; text: string; defect: string }[] = [
    { name: 'wrong check digit', text: 'DE83DUIEN83QGZE', defect: 'EMAID_CHECK_DIGIT' },
    { name: 'wrong check digit, separated', text: 'DE-8AA-CA2B3C4D5-M', defect: 'EMAID_CHECK_DIGIT' },
    { name: 'numeric country code', text: '1E83DUIEN83QGZ', defect: 'EMAID_SYNTAX' },
    { name: 'too short', text: 'DE83DUIEN83QG', defect: 'EMAID_SYNTAX' },
    { name: 'too long', text: 'DE83DUIEN83QGZDX', defect: 'EMAID_SYNTAX' },
    { name: 'mixed separators', text: 'DE-83DUIEN83QGZ', defect: 'EMAID_SYNTAX' },
    { name: 'other separator', text: 'DE_83D_UIEN83QGZ', defect: 'EMAID_SYNTAX' },
    { name: 'trailing space', text: 'DE83DUIEN83QGZ ', defect: 'EMAID_SYNTAX' },
    { name: 'non-ASCII letter', text: 'DÉ83DUIEN83QGZ', defect: 'EMAID_SYNTAX' },
    { name: 'empty', text: '', defect: 'EMAID_SYNTAX' },
  ];
  for (const b of BAD) {
    it(`refuses ${b.name}`, () => {
      const r = parseEmaid(b.text);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.defect, b.defect);
    });
  }
});
