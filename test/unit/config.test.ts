import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, configSchema, loadConfig, parseFlags } from '../../src/config.js';
import { SETTINGS } from '../../src/config-settings.js';

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('config', () => {
  it('has defaults for a fresh start: embedded database under ./data, auto-registration off', () => {
    const c = loadConfig({ argv: [], env: {} });
    assert.equal(c.dataDir, './data');
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.autoRegister, false);
    assert.equal(c.callTimeoutMs, 30000);
  });

  it('applies file < environment < flags', () => {
    const file = JSON.stringify({ ocppPort: 1000, httpPort: 1001, heartbeatIntervalS: 10 });
    const c = loadConfig({ argv: ['--config', 'c.json', '--ocpp-port', '3000'], env: { PLUGTRUST_OCPP_PORT: '2000', PLUGTRUST_HTTP_PORT: '2001' }, readFile: () => file });
    assert.deepEqual([c.ocppPort, c.httpPort, c.heartbeatIntervalS], [3000, 2001, 10]);
  });

  it('reads DATABASE_URL and the documented PLUGTRUST_* variables', () => {
    const c = loadConfig({ argv: [], env: { DATABASE_URL: 'postgres://x@h/db', PLUGTRUST_DATA_DIR: '/var/lib/pt', PLUGTRUST_AUTO_REGISTER: 'true' } });
    assert.deepEqual([c.databaseUrl, c.dataDir, c.autoRegister], ['postgres://x@h/db', '/var/lib/pt', true]);
  });

  it('takes --flag=value, boolean --flag and --no-flag', () => {
    assert.equal(loadConfig({ argv: ['--http-port=81'], env: {} }).httpPort, 81);
    assert.equal(loadConfig({ argv: ['--auto-register'], env: {} }).autoRegister, true);
    assert.equal(loadConfig({ argv: ['--no-record-payloads'], env: {} }).recordPayloads, false);
  });

  it('lists every problem at once, naming where each value came from', () => {
    const problems = problemsOf(() =>
      loadConfig({ argv: ['--ocpp-port', 'abc', '--bogus', '--log-level', 'loud'], env: { PLUGTRUST_HTTP_PORT: '70000', PLUGTRUST_CALL_TIMEOUT_MS: '5' } }),
    );
    assert.equal(problems.length, 5, problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('--bogus')));
    assert.ok(problems.some((p) => p.startsWith('--ocpp-port')));
    assert.ok(problems.some((p) => p.startsWith('--log-level')));
    assert.ok(problems.some((p) => p.startsWith('PLUGTRUST_HTTP_PORT')));
    assert.ok(problems.some((p) => p.startsWith('PLUGTRUST_CALL_TIMEOUT_MS')));
  });

  it('reports unknown keys and unreadable files', () => {
    assert.ok(problemsOf(() => loadConfig({ argv: ['--config', 'c.json'], env: {}, readFile: () => '{"ocppPrt": 1}' }))[0]?.includes('unknown setting'));
    assert.ok(problemsOf(() => loadConfig({ argv: ['--config', 'c.json'], env: {}, readFile: () => '{' }))[0]?.startsWith('c.json'));
    assert.ok(problemsOf(() => loadConfig({ argv: ['--config', 'c.json'], env: {}, readFile: () => '[1]' }))[0]?.includes('JSON object'));
  });

  it('needs a value after a non-boolean flag', () => {
    assert.deepEqual(parseFlags(['--ocpp-port']).problems, ['--ocpp-port: needs a value']);
  });

  it('has one schema property, flag and variable per setting', () => {
    const schema = configSchema() as { properties: Record<string, unknown> };
    assert.deepEqual(Object.keys(schema.properties).sort(), SETTINGS.map((s) => s.key).sort());
    assert.equal(new Set(SETTINGS.map((s) => s.flag)).size, SETTINGS.length);
    assert.equal(new Set(SETTINGS.map((s) => s.env)).size, SETTINGS.length);
    for (const env of ['PLUGTRUST_OCPP_PORT', 'PLUGTRUST_HTTP_PORT', 'PLUGTRUST_DATA_DIR', 'DATABASE_URL']) assert.ok(SETTINGS.some((s) => s.env === env), env);
  });
});
