// The V8 tuning the server applies at start: flags this Node's V8 knows (an unknown name passed to
// setFlagsFromString is ignored without a word), and an operator's own node option wins.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { GC_TUNING_FLAGS, gcTuningToApply } from '../../src/gc-tuning.js';

describe('gc tuning', () => {
  it('uses flags this Node accepts on its command line', () => {
    const run = spawnSync(process.execPath, [...GC_TUNING_FLAGS, '-e', '0'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const known = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' }).stdout;
    for (const flag of GC_TUNING_FLAGS) {
      const name = flag.replace(/^--(no-)?/, '').replace(/=.*$/, '');
      assert.match(known, new RegExp(`^\\s+--${name} \\(`, 'm'), `${name} is a V8 flag of ${process.version}`);
    }
  });

  it('applies every flag unless the process was started with its own setting of it', () => {
    assert.deepEqual(gcTuningToApply([]), [...GC_TUNING_FLAGS]);
    assert.deepEqual(gcTuningToApply(['--import', 'tsx', '--expose-gc']), [...GC_TUNING_FLAGS]);
    assert.deepEqual(gcTuningToApply(['--allocation-site-pretenuring']), ['--heap-growing-percent=100']);
    assert.deepEqual(gcTuningToApply(['--heap_growing_percent=30']), ['--no-allocation-site-pretenuring']);
    assert.deepEqual(gcTuningToApply(['--no-allocation-site-pretenuring', '--heap-growing-percent=50']), []);
  });
});
