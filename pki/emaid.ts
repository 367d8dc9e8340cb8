// The e-mobility account identifier (eMAID) of ISO 15118-2 Annex H (syntax of DIN SPEC 91286):
//   <country code: 2 letters> [-] <provider id: 3 alphanumerics> [-] <eMA instance: 9 alphanumerics> [[-] <check digit>]
// DIN SPEC 91286 writes the instance as ID type "C" (contract) plus 8 characters; ISO 15118-2
// only asks for 9 alphanumerics (its own example, DE8AA001234567, has no "C"), so both are read.
// The separator is optional but used consistently. Case-insensitive; the normal form is upper
// case without separators (14 characters, or 15 with the check digit), which is what the ISO
// 15118-2 schema (eMAIDType, at most 15 characters) and a contract certificate's CN carry.
//
// The check digit is that of DIN SPEC 91286 / eMI3 "Check Digit Calculation for Contract-IDs": each
// character c (0-9 = 0..9, A-Z = 10..35) is split as c = 9q + r with q = 2*q1 + q2 over Z2 and
// r = 3*r1 + r2 over Z3; the check character makes
//   sum(i = 1..15) (q1, q2)_i * P1^i = 0 (mod 2)   and   sum(i = 1..15) (r1, r2)_i * P2^i = 0 (mod 3)
// with P1 = [[0, 1], [1, 1]] over Z2 (order 3) and P2 = [[0, 1], [1, 2]] over Z3 (order 8). It
// catches every single error, adjacent and jump transposition, twin and jump twin error.

export const EMAID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

type Mat = readonly [readonly [number, number], readonly [number, number]];

const P1: Mat = [
  [0, 1],
  [1, 1],
];
const P2: Mat = [
  [0, 1],
  [1, 2],
];

function mul(a: Mat, b: Mat, m: number): Mat {
  return [
    [(a[0][0] * b[0][0] + a[0][1] * b[1][0]) % m, (a[0][0] * b[0][1] + a[0][1] * b[1][1]) % m],
    [(a[1][0] * b[0][0] + a[1][1] * b[1][0]) % m, (a[1][0] * b[0][1] + a[1][1] * b[1][1]) % m],
  ];
}

/** M^1 .. M^15 over Z_m: the weight of positions 1 to 15. */
function powers(m: Mat, mod: number): Mat[] {
  const out: Mat[] = [m];
  while (out.length < 15) out.push(mul(out[out.length - 1]!, m, mod));
  return out;
}

const P1_POWERS = powers(P1, 2);
const P2_POWERS = powers(P2, 3);

/** Row vector times matrix over Z_mod. */
const times = (v: readonly [number, number], a: Mat, mod: number): [number, number] => [(v[0] * a[0][0] + v[1] * a[1][0]) % mod, (v[0] * a[0][1] + v[1] * a[1][1]) % mod];

/** Solves x * A = b over Z_mod for a 2x2 A invertible mod `mod` (mod prime), by trying the few candidates. */
function solve(a: Mat, b: readonly [number, number], mod: number): [number, number] {
  for (let x0 = 0; x0 < mod; x0++) {
    for (let x1 = 0; x1 < mod; x1++) {
      const y = times([x0, x1], a, mod);
      if (y[0] === b[0] && y[1] === b[1]) return [x0, x1];
    }
  }
  throw new Error('unreachable: the check matrices are invertible');
}

/**
 * The check digit of the first 14 characters of a normalized eMAID (upper case, no separators).
 * Throws on any other input: callers validate the syntax first (parseEmaid).
 */
export function emaidCheckDigit(first14: string): string {
  if (!/^[A-Z0-9]{14}$/.test(first14)) throw new RangeError('the check digit is computed over 14 upper-case alphanumerics');
  const q: [number, number] = [0, 0];
  const r: [number, number] = [0, 0];
  for (let i = 0; i < 14; i++) {
    const c = EMAID_ALPHABET.indexOf(first14[i]!);
    const qv = Math.floor(c / 9);
    const rv = c % 9;
    const qi = times([Math.floor(qv / 2), qv % 2], P1_POWERS[i]!, 2);
    const ri = times([Math.floor(rv / 3), rv % 3], P2_POWERS[i]!, 3);
    q[0] = (q[0] + qi[0]) % 2;
    q[1] = (q[1] + qi[1]) % 2;
    r[0] = (r[0] + ri[0]) % 3;
    r[1] = (r[1] + ri[1]) % 3;
  }
  // Position 15 must cancel the sums: x15 * P^15 = -sum.
  const q15 = solve(P1_POWERS[14]!, [(2 - q[0]) % 2, (2 - q[1]) % 2], 2);
  const r15 = solve(P2_POWERS[14]!, [(3 - r[0]) % 3, (3 - r[1]) % 3], 3);
  return EMAID_ALPHABET[(q15[0] * 2 + q15[1]) * 9 + r15[0] * 3 + r15[1]]!;
}

export type EmaidDefect = 'EMAID_SYNTAX' | 'EMAID_CHECK_DIGIT';

export interface Emaid {
  /** Upper case, without separators: 14 characters, or 15 with the check digit. */
  normalized: string;
  countryCode: string;
  providerId: string;
  /** The 9-character eMA instance. */
  instance: string;
  /** True when the instance starts with ID type "C" (DIN SPEC 91286 contract id). */
  dinIdTypeC: boolean;
  checkDigit: string | null;
}

export type EmaidResult = { ok: true; emaid: Emaid } | { ok: false; defect: EmaidDefect; detail: string };

const SYNTAX = /^([A-Za-z]{2})(-?)([A-Za-z0-9]{3})\2([A-Za-z0-9]{9})(?:\2([A-Za-z0-9]))?$/;

/** Reads an eMAID in any accepted spelling; a present check digit must be correct. */
export function parseEmaid(text: string): EmaidResult {
  const m = SYNTAX.exec(text);
  if (!m) {
    return {
      ok: false,
      defect: 'EMAID_SYNTAX',
      detail: 'an eMAID is a 2-letter country code, a 3-character provider id, a 9-character eMA instance and an optional check digit (ISO 15118-2 Annex H), with "-" between the parts or none at all',
    };
  }
  const [, country = '', , provider = '', instance = '', check] = m;
  const countryCode = country.toUpperCase();
  const first14 = `${countryCode}${provider.toUpperCase()}${instance.toUpperCase()}`;
  const checkDigit = check === undefined ? null : check.toUpperCase();
  if (checkDigit !== null) {
    const expected = emaidCheckDigit(first14);
    if (expected !== checkDigit) return { ok: false, defect: 'EMAID_CHECK_DIGIT', detail: `the check digit of ${first14} is ${expected}, not ${checkDigit} (DIN SPEC 91286)` };
  }
  return {
    ok: true,
    emaid: { normalized: first14 + (checkDigit ?? ''), countryCode, providerId: provider.toUpperCase(), instance: instance.toUpperCase(), dinIdTypeC: instance[0]?.toUpperCase() === 'C', checkDigit },
  };
}
