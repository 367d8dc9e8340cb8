// CSV for spreadsheet users (RFC 4180): fields quoted when they hold a comma, quote, CR or LF, quotes
// doubled, lines ended by CRLF. A cell that a spreadsheet would run as a formula (it starts with
// = + - @, or a tab or CR that some spreadsheets strip before looking) is prefixed with a single quote
// (OWASP "CSV Injection"): station ids, subjects and serials come from outside.

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function csvLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
