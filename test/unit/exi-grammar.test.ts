// The event-code rules of EXI 1.0 8.5.4 as this codec derives them from the schema descriptions.
// The vectors check the same rules end to end; these pin the individual states the vectors do
// not reach (Notification, CertificateUpdate*, the 20th RootCertificateID, the 4th SubCertificate).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GrammarCursor, type Production } from '../../pki/exi/grammar.js';
import { bitsFor } from '../../pki/exi/primitives.js';
import { SPEC } from '../../pki/exi/schema.js';

const names = (productions: Production[]): string[] => productions.map((p) => ('name' in p ? `${p.kind}(${p.name})` : p.kind));
const se = (name: string): Production => ({ kind: 'SE', name });
// First-level code width with the non-strict escape to the second level (8.5.4.4.1).
const width = (cursor: GrammarCursor): number => bitsFor(cursor.productions().length + 1);

describe('schema-informed grammars (EXI 1.0 8.5.4)', () => {
  it('lists attributes sorted, then the content the optional attributes let through', () => {
    const reference = new GrammarCursor(SPEC.Reference);
    assert.deepEqual(names(reference.productions()), ['AT(Id)', 'AT(Type)', 'AT(URI)', 'SE(Transforms)', 'SE(DigestMethod)']);
    assert.equal(width(reference), 3);
    reference.advance({ kind: 'AT', name: 'URI' });
    assert.deepEqual(names(reference.productions()), ['SE(Transforms)', 'SE(DigestMethod)']);
  });

  it('stops at a required attribute', () => {
    const request = new GrammarCursor(SPEC.CertificateInstallationReq);
    assert.deepEqual(names(request.productions()), ['AT(Id)']);
    assert.equal(width(request), 1);
  });

  it('offers SE(*), EE, CH in the mixed xmldsig method types after Algorithm', () => {
    const method = new GrammarCursor(SPEC.DigestMethod);
    method.advance({ kind: 'AT', name: 'Algorithm' });
    assert.deepEqual(names(method.productions()), ['SE*', 'EE', 'CH']);
    assert.equal(width(method), 2);
  });

  it('expands the BodyElement substitution group with its abstract head, plus EE', () => {
    const body = new GrammarCursor(SPEC.Body);
    const productions = names(body.productions());
    assert.equal(productions.length, 36);
    assert.equal(productions.indexOf('SE(CertificateInstallationReq)'), 5);
    assert.equal(productions.at(-1), 'EE');
    assert.equal(width(body), 6);
    body.advance(se('CertificateInstallationReq'));
    assert.deepEqual(names(body.productions()), ['EE']);
  });

  it('unrolls bounded repetitions: the 20th RootCertificateID leaves only EE', () => {
    const list = new GrammarCursor(SPEC.ListOfRootCertificateIDs);
    assert.deepEqual(names(list.productions()), ['SE(RootCertificateID)']);
    for (let i = 1; i <= 19; i += 1) {
      list.advance(se('RootCertificateID'));
      assert.deepEqual(names(list.productions()), ['SE(RootCertificateID)', 'EE'], `after ${i}`);
    }
    list.advance(se('RootCertificateID'));
    assert.deepEqual(names(list.productions()), ['EE']);
  });

  it('offers every optional header element in schema order before EE', () => {
    const header = new GrammarCursor(SPEC.MessageHeader);
    header.advance(se('SessionID'));
    assert.deepEqual(names(header.productions()), ['SE(Notification)', 'SE(Signature)', 'EE']);
    header.advance(se('Signature'));
    assert.deepEqual(names(header.productions()), ['EE']);
  });

  it('gives simple content with a required Id one bit per state', () => {
    const emaid = new GrammarCursor(SPEC.IdentifiedValue);
    for (const production of [{ kind: 'AT', name: 'Id' }, { kind: 'CH' }, { kind: 'EE' }] as const) {
      assert.equal(emaid.productions().length, 1);
      assert.equal(width(emaid), 1);
      emaid.advance(production);
    }
  });
});
