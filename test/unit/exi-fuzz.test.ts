// Property: any byte string either decodes to a message that re-encodes and decodes to itself, or
// fails with ExiError. Never another exception, never a hang.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeV2gMessage, encodeV2gMessage, ExiError } from '../../pki/exi/index.js';
import { mutate, randomStream, seededRandom } from '../helpers/exi-fuzz.js';
import { loadVector } from '../helpers/exi-vectors.js';

const CASES = 100_000;
const SEED = 0x15118;

describe('EXI decoder against hostile input', () => {
  it(`answers ${CASES} mutated and random streams with a message or an ExiError`, () => {
    const bases = [loadVector('certificate-installation-req').exi, loadVector('certificate-installation-res').exi];
    const random = seededRandom(SEED);
    const started = Date.now();
    let decoded = 0;
    const codes = new Map<string, number>();
    for (let i = 0; i < CASES; i += 1) {
      const input = random() < 0.25 ? randomStream(random) : mutate(random, bases[i % 2]!);
      try {
        const message = decodeV2gMessage(input);
        decoded += 1;
        // Re-encoding a decoded message must work and be stable (spot-checked to keep the run short).
        if (decoded % 25 === 1) assert.deepEqual(decodeV2gMessage(encodeV2gMessage(message)), message);
      } catch (error) {
        if (!(error instanceof ExiError)) {
          assert.fail(`case ${i} (seed ${SEED}) threw ${String(error)} for ${Buffer.from(input).toString('hex')}`);
        }
        codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
      }
    }
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 30_000, `took ${elapsed} ms`);
    // The mutations must reach deep into the grammars, not only fail at the header.
    for (const code of ['TRUNCATED', 'BAD_EVENT_CODE', 'UNSUPPORTED_EVENT', 'BAD_VALUE', 'LIMIT_EXCEEDED', 'TRAILING_DATA', 'BAD_HEADER']) {
      assert.ok((codes.get(code) ?? 0) > 0, `no ${code} among ${JSON.stringify([...codes])}`);
    }
    assert.ok(decoded > 0);
    if (process.env["EXI_FUZZ_STATS"] !== undefined) console.log(decoded, elapsed, [...codes]);
  });
});
