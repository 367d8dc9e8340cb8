// The README documents every setting: its flag and its environment variable.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { SETTINGS } from '../../src/config-settings.js';

it('README lists every setting with its flag and environment variable', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  for (const s of SETTINGS) {
    assert.ok(readme.includes(`\`${s.flag}\``), `README is missing ${s.flag}`);
    assert.ok(readme.includes(`\`${s.env}\``), `README is missing ${s.env}`);
  }
});
