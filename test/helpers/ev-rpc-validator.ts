// The ocpp-rpc strict client validates against the schemas it bundles: the first OCPP 2.0.1
// release, where Get15118EVCertificateResponse.exiResponse has maxLength 5600. The official schema
// allows 7500 (src/ocpp/schema-patches.ts), room for a response with two three-certificate chains.
// This validator is ocpp-rpc's schemas with exactly the CSMS's patches applied.
import { createValidator } from 'ocpp-rpc';
import { loadPatchedRuntimeSchemas } from '../../src/ocpp/types/generate.js';

export function currentOcpp201Validator(): ReturnType<typeof createValidator> {
  return createValidator('ocpp2.0.1', loadPatchedRuntimeSchemas());
}
