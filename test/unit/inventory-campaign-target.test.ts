// One station's campaign step (src/inventory/campaign-target.ts) against a scripted bus: which
// answers finish a station, which wait for it, which are retried, and that stores already done
// are not asked again.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { runTarget, type TargetWork } from '../../src/inventory/campaign-target.js';
import { certificateHashData } from '../../src/inventory/hash-data.js';
import { checkRootCertificate, type RootCertificate } from '../../src/inventory/root-certificate.js';
import { OcppRpcError } from '../../src/ocpp/rpc-error.js';
import type { CallAnswer } from '../../src/ocpp/station-bus.js';
import type { StationCertificateInventoryRepo } from '../../src/store/station-certificates-inventory.js';
import { makeCertificate, v2gRootSubject } from '../helpers/inventory-certificates.js';

type Script = (action: string, payload: unknown) => CallAnswer | Error;

function harness(script: Script) {
  const calls: string[] = [];
  const recorded: string[] = [];
  const inventory = {
    addInstalled: async (_s: string, type: string) => void recorded.push(`add:${type}`),
    removeByHashData: async () => (recorded.push('remove'), 1),
    replaceReport: async () => void recorded.push('report'),
  } as unknown as StationCertificateInventoryRepo;
  const bus = {
    call: async (_station: string, action: string, payload: unknown): Promise<CallAnswer> => {
      calls.push(`${action}${(payload as { certificateType?: unknown }).certificateType ? `:${String((payload as { certificateType: unknown }).certificateType)}` : ''}`);
      const a = script(action, payload);
      if (a instanceof Error) throw a;
      return a;
    },
  };
  return { calls, recorded, deps: { store: { certificateInventory: inventory }, bus, now: () => new Date() } };
}

const result = (payload: unknown): CallAnswer => ({ kind: 'result', payload });
const callError = (errorCode: string): CallAnswer => ({ kind: 'error', errorCode, errorDescription: 'test', errorDetails: {} });

describe('runTarget', () => {
  let root: RootCertificate;
  const steps: Record<string, string>[] = [];
  const work = (over: Partial<TargetWork> = {}): TargetWork => ({
    kind: 'install', stationId: 'CS-1', uses: ['V2GRootCertificate', 'MORootCertificate'], root, steps: {},
    onStep: async (s) => void steps.push({ ...s }), ...over,
  });

  before(async () => {
    const made = await makeCertificate({ subject: v2gRootSubject('Target Root') });
    const check = checkRootCertificate(made.pem, 'V2GRootCertificate', new Date());
    assert.ok(check.ok);
    root = check.root;
  });

  it('installs into every store and records each in the inventory', async () => {
    const h = harness(() => result({ status: 'Accepted' }));
    assert.deepEqual(await runTarget(h.deps, work()), { kind: 'finished', state: 'succeeded', outcome: 'installed', error: null });
    assert.deepEqual(h.calls, ['InstallCertificate:V2GRootCertificate', 'InstallCertificate:MORootCertificate']);
    assert.deepEqual(h.recorded, ['add:V2GRootCertificate', 'add:MORootCertificate']);
  });

  it('skips stores already accepted on an earlier attempt', async () => {
    const h = harness(() => result({ status: 'Accepted' }));
    await runTarget(h.deps, work({ steps: { V2GRootCertificate: 'Accepted' } }));
    assert.deepEqual(h.calls, ['InstallCertificate:MORootCertificate']);
  });

  it('fails a station that rejects one store, naming it', async () => {
    const h = harness((_a, p) => result({ status: (p as { certificateType: string }).certificateType === 'MORootCertificate' ? 'Rejected' : 'Accepted' }));
    assert.deepEqual(await runTarget(h.deps, work()), { kind: 'finished', state: 'failed', outcome: 'refused', error: 'MORootCertificate: Rejected' });
  });

  const waits: [string, Script, 'offline' | 'retry'][] = [
    ['connection_closed', () => new OcppRpcError('ConnectionClosed', 'closed'), 'offline'],
    ['not_connected', () => new OcppRpcError('StationNotConnected', 'gone'), 'offline'],
    ['timeout', () => new OcppRpcError('CallTimeout', 'slow'), 'retry'],
    ['invalid_response', () => new OcppRpcError('InvalidResponse', 'bad'), 'retry'],
    ['transient_call_error', () => callError('InternalError'), 'retry'],
  ];
  for (const [name, script, kind] of waits) {
    it(`${name} -> ${kind}`, async () => {
      const h = harness(script);
      assert.equal((await runTarget(h.deps, work())).kind, kind);
      assert.deepEqual(h.recorded, []);
    });
  }

  it('NotImplemented is final: the station does not do this at all', async () => {
    const h = harness(() => callError('NotImplemented'));
    const r = await runTarget(h.deps, work());
    assert.deepEqual([r.kind, r.kind === 'finished' && r.state], ['finished', 'failed']);
  });

  it('removal: not installed, removed in the station\'s hash algorithm, or refused', async () => {
    const sha512 = certificateHashData(new Uint8Array(new X509Certificate(root.pem).raw), root.der, 'SHA512');
    const none = harness(() => result({ status: 'NotFound' }));
    assert.deepEqual(await runTarget(none.deps, work({ kind: 'remove' })), { kind: 'finished', state: 'succeeded', outcome: 'not-installed', error: null });
    const listing = result({ status: 'Accepted', certificateHashDataChain: [{ certificateType: 'MORootCertificate', certificateHashData: { ...sha512, issuerKeyHash: sha512.issuerKeyHash.toUpperCase() } }] });
    const ok = harness((a) => (a === 'GetInstalledCertificateIds' ? listing : result({ status: 'Accepted' })));
    assert.deepEqual(await runTarget(ok.deps, work({ kind: 'remove' })), { kind: 'finished', state: 'succeeded', outcome: 'removed', error: null });
    assert.deepEqual(ok.calls, ['GetInstalledCertificateIds:V2GRootCertificate,MORootCertificate', 'DeleteCertificate']);
    const refused = harness((a) => (a === 'GetInstalledCertificateIds' ? listing : result({ status: 'Failed' })));
    assert.deepEqual(await runTarget(refused.deps, work({ kind: 'remove' })), { kind: 'finished', state: 'failed', outcome: 'refused', error: 'MORootCertificate: Failed' });
  });
});
