// maxLength and minLength for OCPP payloads. JSON Schema counts a string's length in code points;
// ajv's own keyword counts them with a JavaScript loop over every UTF-16 unit, which for a 5,600
// character exiResponse or a firmware signature is most of that payload's validation. A string's
// UTF-16 length bounds its code points from above, and half of it from below, so most strings are
// decided without counting; the rest are counted by a native regular expression. Same verdicts,
// same error objects (keyword, params.limit, message) as ajv's keyword, which these replace.
import { _, str, type Ajv, type CodeKeywordDefinition, type KeywordCxt } from 'ajv';

// A high surrogate followed by a low one is one code point; a lone surrogate counts as one (as ajv does).
const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/** The number of code points of `s`, lone surrogates counting one each. */
export function codePointLength(s: string): number {
  return s.length - (s.match(SURROGATE_PAIR)?.length ?? 0);
}

function lengthKeyword(keyword: 'maxLength' | 'minLength'): CodeKeywordDefinition {
  return {
    keyword,
    type: 'string',
    schemaType: 'number',
    // ajv's order, which decides the error when a string breaks several rules: lengths, then pattern.
    before: 'pattern',
    error: {
      message: ({ schemaCode }) => str`must NOT have ${keyword === 'maxLength' ? 'more' : 'fewer'} than ${schemaCode} characters`,
      params: ({ schemaCode }) => _`{limit: ${schemaCode}}`,
    },
    code(cxt: KeywordCxt) {
      const { data, schemaCode, gen } = cxt;
      const count = gen.scopeValue('func', { ref: codePointLength });
      // UTF-16 units >= code points >= units / 2.
      cxt.fail(
        keyword === 'maxLength'
          ? _`${data}.length > ${schemaCode} && ${count}(${data}) > ${schemaCode}`
          : _`${data}.length < ${schemaCode} || (${data}.length < 2 * ${schemaCode} && ${count}(${data}) < ${schemaCode})`,
      );
    },
  };
}

/** Replaces ajv's maxLength and minLength keywords on `ajv` (before any schema is compiled). */
export function useFastStringLength(ajv: Ajv): void {
  for (const keyword of ['maxLength', 'minLength'] as const) {
    ajv.removeKeyword(keyword);
    ajv.addKeyword(lengthKeyword(keyword));
  }
}
