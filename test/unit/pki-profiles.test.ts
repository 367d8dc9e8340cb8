// Properties the certificate profiles must have as a set: the rules that keep a chain valid, and the
// identifier syntaxes their common names follow. Values are checked against rules, never against
// themselves.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OID } from '../../pki/oids.js';
import { mayIssue } from '../../pki/profiles/hierarchy.js';
import { getProfile, isProfileId, PROFILES } from '../../pki/profiles/index.js';
import type { CertificateProfile, ProfileId } from '../../pki/profiles/types.js';

const ALL = Object.values(PROFILES);
const ISO_15118 = new Set<CertificateProfile['hierarchy']>(['v2g', 'cps', 'mo', 'oem']);
const isCa = (p: CertificateProfile): boolean => p.basicConstraints.ca;
const pathLen = (p: CertificateProfile): number | null => (p.basicConstraints.ca ? p.basicConstraints.pathLen : null);

/** Every issuer the issuance table (pki/profiles/hierarchy.ts) allows for this profile. */
function issuersOf(p: CertificateProfile): CertificateProfile[] {
  return ALL.filter((issuer) => mayIssue(issuer.id, p.id));
}

/** How many CA certificates the issuance table lets sit below this CA. */
function caLevelsBelow(ca: CertificateProfile): number {
  const children = ALL.filter((c) => isCa(c) && mayIssue(ca.id, c.id));
  return children.length === 0 ? 0 : 1 + Math.max(...children.map(caLevelsBelow));
}

describe('the profile table', () => {
  it('lists every profile under its own id, and getProfile returns it', () => {
    for (const [key, p] of Object.entries(PROFILES)) {
      assert.equal(p.id, key);
      assert.ok(isProfileId(key));
      assert.equal(getProfile(p.id), p);
    }
    assert.equal(isProfileId('toString'), false, 'inherited names are not profile ids');
    assert.equal(isProfileId('v2g-root '), false);
  });

  it('places every profile in a chain: roots have no issuer, everything else has one', () => {
    for (const p of ALL) {
      if (p.kind === 'root') assert.equal(issuersOf(p).length, 0, `${p.id} is a root but has an issuer`);
      else assert.ok(issuersOf(p).length > 0, `${p.id} has no issuer in the issuance table`);
      for (const issuer of issuersOf(p)) assert.ok(isCa(issuer), `${p.id} is issued by ${issuer.id}, which is not a CA`);
    }
  });

  it('keeps a chain inside one hierarchy (the CPS branch hangs off the V2G root; service profiles go anywhere)', () => {
    for (const p of ALL.filter((x) => x.hierarchy !== 'service')) {
      for (const issuer of issuersOf(p)) {
        const ok = p.hierarchy === issuer.hierarchy || (p.hierarchy === 'cps' && issuer.id === 'v2g-root');
        assert.ok(ok, `${p.id} (${p.hierarchy}) under ${issuer.id} (${issuer.hierarchy})`);
      }
    }
  });

  it('lets every CA issue its own delegated OCSP signer, and no leaf issue anything', () => {
    for (const p of ALL) {
      if (isCa(p)) assert.ok(mayIssue(p.id, 'ocsp-signer'), p.id);
      else for (const child of ALL) assert.equal(mayIssue(p.id, child.id), false, `${p.id} may not issue ${child.id}`);
    }
  });

  it('is frozen, so no caller can change what the CA signs for everyone', () => {
    const p = PROFILES['secc-leaf'];
    assert.throws(() => Object.assign(p, { maxValidityDays: 3650 }), TypeError);
    assert.throws(() => (p.keyUsage as string[]).push('keyCertSign'), TypeError);
    assert.throws(() => Object.assign(p.subject, { commonNamePattern: /.*/ }), TypeError);
    assert.throws(() => Object.assign(PROFILES, { 'secc-leaf': PROFILES['csms-root'] }), TypeError);
  });

  it('gives every rule its citation', () => {
    for (const p of ALL) {
      const cites = [p.keyCite, p.validityCite, p.basicConstraintsCite, p.keyUsageCite, p.subject.cite];
      if (p.extKeyUsage) cites.push(p.extKeyUsage.cite);
      for (const cite of cites) {
        assert.ok(cite.trim().length > 10, `${p.id} has a rule without a citation`);
      }
      assert.ok(p.title.length > 0 && !p.title.includes('\n'), `${p.id} title is one line`);
    }
  });
});

describe('basicConstraints and key usage', () => {
  it('makes every CA a CA that signs certificates and CRLs', () => {
    for (const p of ALL.filter((x) => x.kind !== 'leaf')) {
      assert.equal(p.basicConstraints.ca, true, `${p.id}: RFC 5280 4.2.1.9`);
      assert.ok(p.keyUsage.includes('keyCertSign'), `${p.id} lacks keyCertSign (RFC 5280 4.2.1.3)`);
      assert.ok(p.keyUsage.includes('cRLSign'), `${p.id} lacks cRLSign; it publishes a CRL`);
      assert.equal(p.extKeyUsage, undefined, `${p.id}: an EKU on a CA would constrain everything below it`);
      assert.equal(p.ocspNoCheck, undefined, `${p.id}: a CA must stay revocable`);
    }
  });

  it('keeps leaves out of the CA business', () => {
    for (const p of ALL.filter((x) => x.kind === 'leaf')) {
      assert.equal(p.basicConstraints.ca, false, p.id);
      assert.ok(!p.keyUsage.includes('keyCertSign'), `${p.id} may not sign certificates`);
      assert.ok(!p.keyUsage.includes('cRLSign'), `${p.id} may not sign CRLs`);
      assert.ok(p.keyUsage.length > 0, `${p.id} has no key usage`);
    }
  });

  it('lists each key usage and EKU purpose once', () => {
    for (const p of ALL) {
      assert.equal(new Set(p.keyUsage).size, p.keyUsage.length, p.id);
      if (p.extKeyUsage) {
        assert.ok(p.extKeyUsage.purposes.length > 0, p.id);
        assert.equal(new Set(p.extKeyUsage.purposes).size, p.extKeyUsage.purposes.length, p.id);
      }
    }
  });

  it('gives EC-only end entities no encipherment bits (RFC 5480 3), except where Annex F lists them', () => {
    const annexFException = new Set<ProfileId>(['contract-leaf']);
    for (const p of ALL.filter((x) => x.kind === 'leaf' && x.keys.every((k) => k.kind === 'ec'))) {
      if (annexFException.has(p.id)) continue;
      assert.ok(!p.keyUsage.includes('keyEncipherment') && !p.keyUsage.includes('dataEncipherment'), p.id);
    }
  });

  it('shortens the allowed path by one at each CA, down to 0 above the leaves (ISO 15118-2 [V2G2-009])', () => {
    for (const p of ALL.filter(isCa)) {
      const below = caLevelsBelow(p);
      const own = pathLen(p);
      if (p.kind === 'root') assert.ok(own === null || own === below, `${p.id}: pathLen ${own} for ${below} CA levels below`);
      else assert.equal(own, below, `${p.id}: pathLen must fit the chain exactly`);
      for (const issuer of issuersOf(p)) {
        const up = pathLen(issuer);
        assert.ok(up === null || (own !== null && own < up), `${p.id} (${own}) under ${issuer.id} (${up})`);
      }
    }
  });

  it('uses pathLen 1 on every ISO 15118 sub-CA 1 and 0 on every sub-CA 2', () => {
    for (const p of ALL.filter((x) => ISO_15118.has(x.hierarchy) && x.kind === 'sub-ca')) {
      const issuer = issuersOf(p)[0];
      assert.ok(issuer);
      assert.equal(pathLen(p), issuer.kind === 'root' ? 1 : 0, p.id);
    }
  });
});

describe('validity', () => {
  it('has whole, positive day counts with the default inside the maximum', () => {
    for (const p of ALL) {
      assert.ok(Number.isInteger(p.maxValidityDays) && p.maxValidityDays > 0, p.id);
      assert.ok(Number.isInteger(p.defaultValidityDays) && p.defaultValidityDays > 0, p.id);
      assert.ok(p.defaultValidityDays <= p.maxValidityDays, `${p.id}: default ${p.defaultValidityDays} > max ${p.maxValidityDays}`);
    }
  });

  it('never lets a certificate outlive what its issuer may live', () => {
    for (const p of ALL) {
      for (const issuer of issuersOf(p)) {
        assert.ok(p.maxValidityDays <= issuer.maxValidityDays, `${p.id} (${p.maxValidityDays} days) outlives ${issuer.id} (${issuer.maxValidityDays})`);
      }
    }
  });

  it('keeps the V2G root at 40 years at most and every ISO 15118 certificate within it', () => {
    const fortyYears = 40 * 366;
    for (const p of ALL.filter((x) => ISO_15118.has(x.hierarchy))) assert.ok(p.maxValidityDays <= fortyYears, p.id);
  });
});

describe('keys', () => {
  it('allows only EC P-256 in the V2G, CPS, MO and OEM profiles (ISO 15118-2 [V2G2-007])', () => {
    for (const p of ALL.filter((x) => ISO_15118.has(x.hierarchy))) {
      assert.deepEqual(p.keys, [{ kind: 'ec', curve: 'P-256' }], p.id);
    }
  });

  it('gives the OCSP signer a key every issuer may certify', () => {
    for (const k of PROFILES['ocsp-signer'].keys) assert.deepEqual(k, { kind: 'ec', curve: 'P-256' });
  });

  it('never allows RSA below 2048 bits (OCPP 2.0.1 A00.FR.502) nor the same key twice', () => {
    for (const p of ALL) {
      assert.ok(p.keys.length > 0, p.id);
      for (const k of p.keys) if (k.kind === 'rsa') assert.ok(k.minBits >= 2048, `${p.id}: RSA ${k.minBits}`);
      assert.equal(new Set(p.keys.map((k) => JSON.stringify(k))).size, p.keys.length, p.id);
    }
  });

  it('generates an EC key first wherever one is allowed', () => {
    for (const p of ALL) if (p.keys.some((k) => k.kind === 'ec')) assert.equal(p.keys[0]?.kind, 'ec', p.id);
  });
});

describe('OCSP signer and revocation pointers', () => {
  it('makes the delegated responder an OCSP signer that is not itself checked (RFC 6960 4.2.2.2)', () => {
    const p = PROFILES['ocsp-signer'];
    assert.equal(p.ocspNoCheck, true);
    assert.ok(p.extKeyUsage?.purposes.includes(OID.kpOcspSigning));
    assert.ok(p.keyUsage.includes('digitalSignature'));
  });

  it('puts id-pkix-ocsp-nocheck on OCSP signers only', () => {
    for (const p of ALL) {
      const signsOcsp = p.extKeyUsage?.purposes.includes(OID.kpOcspSigning) ?? false;
      assert.equal(p.ocspNoCheck === true, signsOcsp, p.id);
    }
  });

  it('points every CA-issued certificate at its revocation services, roots and no-check certificates at none', () => {
    for (const p of ALL) {
      const expected = p.kind !== 'root' && p.ocspNoCheck !== true;
      assert.equal(p.revocationPointers, expected, p.id);
    }
  });
});

describe('subject rules', () => {
  const UB: Record<string, number> = { CN: 64, O: 64, OU: 64, C: 2 };

  it('names each attribute once, fixes only required ones, and bounds them by RFC 5280 Appendix A', () => {
    for (const p of ALL) {
      const r = p.subject;
      const all = [...r.required, ...r.optional];
      assert.equal(new Set(all).size, all.length, `${p.id} lists an attribute twice`);
      assert.ok(r.required.includes('CN'), `${p.id}: every certificate we issue carries a CN`);
      for (const type of Object.keys(r.fixed ?? {})) assert.ok((r.required as string[]).includes(type), `${p.id} fixes ${type} without requiring it`);
      for (const type of all) {
        if (type === 'DC') continue;
        const max = r.maxLength?.[type];
        assert.ok(max !== undefined, `${p.id} does not bound ${type}`);
        assert.ok(max <= (UB[type] ?? 0), `${p.id}: ${type} bound ${max} exceeds the RFC 5280 upper bound`);
      }
      if (all.includes('C')) assert.equal(r.maxLength?.C, 2, p.id);
    }
  });

  it('requires and fixes the Domain Component in every ISO 15118 profile ([V2G2-925])', () => {
    for (const p of ALL.filter((x) => ISO_15118.has(x.hierarchy))) {
      assert.ok(p.subject.required.includes('DC'), p.id);
      assert.match(p.subject.fixed?.DC ?? '', /^[A-Z0-9]{2,}$/, p.id);
    }
  });

  it('requires O wherever OCPP 2.0.1 A00.FR.509 applies', () => {
    for (const p of ALL.filter((x) => !ISO_15118.has(x.hierarchy))) assert.ok(p.subject.required.includes('O'), p.id);
  });

  it('uses patterns without the g or y flag (RegExp.test would then alternate)', () => {
    for (const p of ALL) {
      const re = p.subject.commonNamePattern;
      if (re) assert.doesNotMatch(re.flags, /[gy]/, p.id);
    }
  });
});

describe('common name syntax', () => {
  function check(id: ProfileId, valid: readonly string[], invalid: readonly string[]): void {
    const p = PROFILES[id];
    const re = p.subject.commonNamePattern;
    assert.ok(re, `${id} has no CN pattern`);
    for (const v of valid) {
      assert.ok(re.test(v), `${id} refuses valid ${JSON.stringify(v)}`);
      assert.ok(v.length <= (p.subject.maxLength?.CN ?? 64), `${id}: ${JSON.stringify(v)} matches but exceeds maxLength.CN`);
    }
    for (const v of invalid) assert.ok(!re.test(v), `${id} accepts invalid ${JSON.stringify(v)}`);
  }

  it('contract certificate CN: eMAID of ISO 15118-2 Annex H / DIN SPEC 91286', () => {
    check(
      'contract-leaf',
      ['DE8AA001234567', 'DE8AAC123456789', 'DE-8AA-C12345678', 'DE-8AA-C12345678-9', 'UKSWI123456791A', 'de8aa001234567'],
      [
        '',
        'DE8AA00123456', // 13 characters: instance one short
        'DE8AAC1234567890', // 16 without separators: one too many
        'DE-8AAC12345678-9', // separator used inconsistently
        'DE*8AA*C12345678*9', // "*" is the EVSE ID separator, not the eMAID's
        'D18AA001234567', // country code with a digit
        'DE-8AA-C12345678-', // dangling separator
        'DE-8A-AC12345678-9', // provider ID of 2
        ' DE8AA001234567',
        'DE8AA001234567\n',
        'DE8AA001234567 ',
      ],
    );
  });

  it('OEM provisioning certificate CN: PCID of 17 or 18 alphanumerics', () => {
    check(
      'oem-provisioning-leaf',
      ['WMI12345678901234', 'WMI123456789012345', 'HUBOPENPROVCERT12'],
      ['WMI1234567890123', 'WMI1234567890123456', 'WMI-2345678901234', 'WMI 12345678901234', 'WMÍ12345678901234', ''],
    );
  });

  it('SECC certificate CN: EVSE ID (ISO 15118-2 Annex H) or SECC ID (ISO 15118-20)', () => {
    check(
      'secc-leaf',
      [
        'DE*ICE*E45B*78C',
        'DE*SEV*E123456789',
        'DEICEE45B78C',
        'NL*ALF*E000000001',
        'DE-ICE-S-00003C4D557878675645330967543476-2',
        'DEICES00003C4D557878675645330967543476',
        `DE-ICE-S-${'A'.repeat(53)}`,
      ],
      [
        'SECC_Cert', // free-form names ("SECCCert" itself parses as EVSE ID SE CCC e rt)
        'CPO-SECC-1',
        'DE*ICE*X45B', // ID type must be E (EVSE) or S (SECC)
        'D1*ICE*E1',
        'DE*IC*E1',
        'DE*ICE*E', // no power outlet ID
        `DE*ICE*E${'1'.repeat(31)}`, // power outlet ID over 30
        'DE-ICE-S-0000', // controller ID under 32
        `DE-ICE-S-${'A'.repeat(56)}`, // over 64 characters
        'DE*ICE*E45B 78C',
        'DE-ICE-E45B78C', // "-" separators belong to the SECC ID form only
      ],
    );
  });

  it('charging station CN: the OCPP identity, never a URL or an IP address (A00.FR.511)', () => {
    check(
      'charging-station-leaf',
      ['CS001', 'EVB-P17390866', 'ABL_3W2262_001', 'CP.001', 'station*7', 'a'.repeat(48)],
      ['', 'a'.repeat(49), '192.168.1.10', 'https://cs.example.com', 'wss://csms/ocpp', 'cs:01', 'csms.example.com', 'a/b', 'CS 001', 'Ström', '.', '..'],
    );
  });

  it('CSMS server CN: a host name, as stations compare it (A00.FR.510)', () => {
    check(
      'csms-tls-server',
      ['csms.example.com', 'localhost', 'ocpp-1.eu-west.example.net', 'xn--bcher-kva.example', `${'a'.repeat(59)}.io`],
      [
        '',
        '192.168.1.10',
        '*.example.com',
        '-bad.example.com',
        'bad-.example.com',
        'exa mple.com',
        'https://csms.example.com',
        'csms.example.com.',
        `${'a'.repeat(64)}.example`,
        `${'a'.repeat(62)}.io`,
      ],
    );
  });
});
