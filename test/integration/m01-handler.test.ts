// The Get15118EVCertificate handler's own mapping: every ResponseCode a provider may return becomes
// a response the OCPP 2.0.1 schema accepts (status, reasonCode within 20 characters, the EXI
// passed through), a throwing provider still yields a decodable FAILED message, and schema
// versions are recognised as documented.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RESPONSE_CODES } from '../../pki/exi/index.js';
import { buildFailureResponse } from '../../src/contract-provider/exi-responses.js';
import type { ContractCertificateProvider } from '../../src/contract-provider/contract-provider.js';
import { handleGet15118EvCertificate, supportsSchemaVersion } from '../../src/csms/m-iso15118-certs/get-15118-ev-certificate.js';
import { silentLogger } from '../../src/log.js';
import { loadOcppSchemas } from '../../src/ocpp/schemas.js';
import { responseCodeOf } from '../helpers/ev-side.js';

const validator = loadOcppSchemas();
const ctx = { session: { stationId: 'CS-H', registrationStatus: 'Accepted' as const, remoteAddress: null }, messageId: 'm1', receivedAt: new Date() };
const request = { iso15118SchemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Install', exiRequest: 'AAAA' };
type Answer = { status: string; exiResponse: string; statusInfo?: { reasonCode: string; additionalInfo?: string } };
const call = async (provider: ContractCertificateProvider, req: object = request): Promise<Answer> =>
  (await handleGet15118EvCertificate({ provider, log: silentLogger() })(ctx, req as never)) as Answer;

describe('Get15118EVCertificate handler mapping', () => {
  for (const code of RESPONSE_CODES) {
    it(`maps ${code} to a schema-valid response`, async () => {
      const exiResponse = await buildFailureResponse('CertificateInstallationRes', new Uint8Array(8), code, null);
      const provider: ContractCertificateProvider = { id: 'fake', provide: () => Promise.resolve({ exiResponse, responseCode: code, contract: null, detail: 'x'.repeat(600), provider: 'fake' }) };
      const answer = await call(provider);
      assert.equal(validator.validate('Get15118EVCertificate', 'response', answer), null);
      assert.equal(answer.status, code === 'OK' || code === 'OK_CertificateExpiresSoon' ? 'Accepted' : 'Failed');
      assert.equal(Buffer.from(answer.exiResponse, 'base64').equals(Buffer.from(exiResponse)), true);
    });
  }

  it('answers a throwing provider with InternalError and a decodable FAILED message of the action\'s kind', async () => {
    const provider: ContractCertificateProvider = { id: 'broken', provide: () => Promise.reject(new Error('database gone')) };
    for (const action of ['Install', 'Update'] as const) {
      const answer = await call(provider, { ...request, action });
      assert.equal(validator.validate('Get15118EVCertificate', 'response', answer), null);
      assert.deepEqual([answer.status, answer.statusInfo?.reasonCode], ['Failed', 'InternalError']);
      assert.equal(answer.statusInfo?.additionalInfo, undefined, 'no internal message reaches the station');
      assert.deepEqual(responseCodeOf(Buffer.from(answer.exiResponse, 'base64')), { kind: action === 'Install' ? 'CertificateInstallationRes' : 'CertificateUpdateRes', responseCode: 'FAILED', signed: false });
    }
  });

  it('passes non-base64 to the provider as no octets at all', async () => {
    let seen: Uint8Array | null = null;
    const provider: ContractCertificateProvider = {
      id: 'spy',
      provide: async (r) => {
        seen = r.exiRequest;
        return { exiResponse: await buildFailureResponse('CertificateInstallationRes', new Uint8Array(8), 'FAILED', null), responseCode: 'FAILED', contract: null, detail: null, provider: 'spy' };
      },
    };
    await call(provider, { ...request, exiRequest: 'AA==AA' });
    assert.deepEqual(seen, new Uint8Array(0));
    await call(provider, { ...request, exiRequest: 'AAEC\nAw==' });
    assert.deepEqual(seen, Uint8Array.of(0, 1, 2, 3));
  });

  for (const [version, ok] of [
    ['urn:iso:15118:2:2013:MsgDef', true],
    [' URN:ISO:15118:2:2013:MSGDEF ', true],
    ['urn:iso:15118:2:2010:MsgDef', false],
    ['urn:iso:std:iso:15118:-20:CommonMessages', false],
    ['', false],
  ] as const) {
    it(`${ok ? 'supports' : 'refuses'} schema version ${JSON.stringify(version)}`, () => {
      assert.equal(supportsSchemaVersion(version), ok);
    });
  }
});
