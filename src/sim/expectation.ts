// Does an answer meet a script step's expectation? Pure: returns what is wrong, or null.
import type { CallAnswer } from './call-queue.js';
import type { Expectation } from './script-schema.js';

const show = (v: unknown): string => JSON.stringify(v) ?? 'undefined';

/** Every field of `expected` is in `actual` with the same value; arrays must match in full. */
function findMismatch(expected: unknown, actual: unknown, path: string): string | null {
  if (typeof expected === 'object' && expected !== null && !Array.isArray(expected)) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return `${path} is ${show(actual)}, expected an object`;
    for (const [key, value] of Object.entries(expected)) {
      const mismatch = findMismatch(value, (actual as Record<string, unknown>)[key], `${path}.${key}`);
      if (mismatch) return mismatch;
    }
    return null;
  }
  return show(expected) === show(actual) ? null : `${path} is ${show(actual)}, expected ${show(expected)}`;
}

/**
 * Without an expectation, or without errorCode in it, a CALLRESULT is expected: a CALLERROR the
 * script did not ask for is a failure.
 */
export function checkExpectation(answer: CallAnswer, expect: Expectation = {}): string | null {
  if (expect.messageId !== undefined && answer.messageId !== expect.messageId) return `answer has message id ${show(answer.messageId)}, expected ${show(expect.messageId)}`;
  if (expect.errorCode !== undefined) {
    if (answer.kind === 'result') return `expected CALLERROR ${expect.errorCode}, got CALLRESULT ${show(answer.payload)}`;
    return answer.errorCode === expect.errorCode ? null : `expected CALLERROR ${expect.errorCode}, got ${answer.errorCode} (${answer.errorDescription})`;
  }
  if (answer.kind === 'error') return `expected CALLRESULT, got CALLERROR ${answer.errorCode} (${answer.errorDescription})`;
  if (expect.status !== undefined && answer.payload.status !== expect.status) return `expected status ${expect.status}, got ${show(answer.payload.status)}`;
  if (expect.payload !== undefined) return findMismatch(expect.payload, answer.payload, 'payload');
  return null;
}
