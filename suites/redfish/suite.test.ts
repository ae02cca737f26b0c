import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../../src/paths.ts';
import { redfishApi } from './index.ts';
import {
  certificateUriPatterns,
  parseOdataType,
  schemaFile,
  validateAs,
  validateError,
  validatePayload,
} from './schemas.ts';
import { sansOf, splitMessageId } from './expect.ts';
import { runAgainstMock } from '../../src/core/selftest.ts';
import type { AnyApi } from '../../src/core/api.ts';

const squash = (s: string) => s.replace(/\s+/g, '');

describe('redfish rule catalog', () => {
  it('has stable, unique RF-<AREA>-<NNN> ids and at least 45 rules', () => {
    const ids = redfishApi.rules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^RF-[A-Z0-9]+-\d{3}$/);
    expect(ids.length).toBeGreaterThanOrEqual(45);
  });

  it('quotes every citation verbatim from the pinned copy of its source', () => {
    const cache = new Map<string, string>();
    const missing: string[] = [];
    for (const r of redfishApi.rules) {
      const local = (redfishApi.sources[r.cite.source] as { local?: string }).local;
      if (!local) continue;
      // Markdown blockquote markers are layout, not text.
      if (!cache.has(local))
        cache.set(local, squash(readFileSync(repoPath(local), 'utf8').replace(/^>\s?/gm, '')));
      if (!cache.get(local)!.includes(squash(r.cite.quote)))
        missing.push(`${r.id} (${local}): ${r.cite.quote}`);
    }
    expect(missing).toEqual([]);
  });

  it('ties every rule to a fault that exists and every VENDOR rule to a vendor', () => {
    for (const r of redfishApi.rules) {
      expect(r.faults.length, r.id).toBeGreaterThan(0);
      for (const f of r.faults) expect(redfishApi.faults, `${r.id}: ${f}`).toHaveProperty(f);
      if (r.level === 'VENDOR') expect(r.vendor, r.id).toBe('ami');
    }
  });
});

describe('redfish schema helpers', () => {
  it('picks the pinned errata file from @odata.type', () => {
    expect(parseOdataType('#Certificate.v1_5_0.Certificate')).toEqual({
      namespace: 'Certificate',
      major: 1,
      minor: 5,
      errata: 0,
      type: 'Certificate',
    });
    expect(parseOdataType('Certificate')).toBeUndefined();
    expect(schemaFile('Certificate', 1, 5)).toBe('Certificate.v1_5_6.json');
  });

  it('accepts the DMTF Rekey response example and refuses the AMI Messages array', () => {
    const ok = {
      CSRString: '-----BEGIN CERTIFICATE REQUEST-----',
      Certificate: { '@odata.id': '/redfish/v1/Managers/BMC/NetworkProtocol/HTTPS/Certificates/1' },
    };
    const type = parseOdataType('#Certificate.v1_11_0.Certificate')!;
    expect(validateAs(ok, type, 'RekeyResponse')).toEqual([]);
    expect(validateAs({ ...ok, Messages: [] }, type, 'RekeyResponse').join()).toMatch(/Messages/);
    expect(
      validateAs(
        { ...ok, '@Message.ExtendedInfo': [{ MessageId: 'Base.1.22.1.Success' }] },
        type,
        'RekeyResponse',
      ),
    ).toEqual([]);
  });

  it('validates payloads and errors, and reports a missing @odata.type', () => {
    expect(validatePayload({ Id: '1' })[0]).toMatch(/@odata.type/);
    expect(
      validateError({
        error: {
          code: 'Base.1.22.1.MalformedJSON',
          message: 'x',
          '@Message.ExtendedInfo': [{ MessageId: 'Base.1.22.1.MalformedJSON' }],
        },
      }),
    ).toEqual([]);
    expect(validateError({ error: { code: 'x', message: 'y', details: 1 } }).join()).toMatch(/details/);
  });

  it('knows the Certificate URI patterns (HTTPS yes, AMI OEM client certificates no)', () => {
    const p = certificateUriPatterns();
    expect(p.some((r) => r.test('/redfish/v1/Managers/Self/NetworkProtocol/HTTPS/Certificates/1'))).toBe(
      true,
    );
    expect(
      p.some((r) => r.test('/redfish/v1/AccountService/LDAP/Certificates/Oem/Ami/ClientCertificates/1')),
    ).toBe(false);
  });

  it('splits MessageIds and SAN lists', () => {
    expect(splitMessageId('Base.1.22.1.ActionParameterUnknown')).toEqual({
      registry: 'Base',
      key: 'ActionParameterUnknown',
    });
    expect(sansOf('DNS:localhost, IP Address:127.0.0.1')).toEqual({
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
    });
  });
});

describe('redfish verdicts on services that offer less (optional is not missing; one cause, one finding)', () => {
  const readOnly = { adjust: (t: { allowDestructive: boolean }) => (t.allowDestructive = false) };

  it(
    'no-rekey, read-only: nothing fails, the Rekey rules skip saying Rekey is not offered',
    { timeout: 60_000 },
    async () => {
      const { results } = await runAgainstMock(redfishApi as AnyApi, 'no-rekey', [], readOnly);
      expect(results.filter((r) => ['fail', 'warn', 'error'].includes(r.status))).toEqual([]);
      const disc = results.find((r) => r.rule === 'RF-DISC-001')!;
      expect(disc.status).toBe('skip');
      expect(disc.reason).toMatch(
        /capability "rekey": not offered by this service \(none of the \d+ certificate/,
      );
      // The schema rules still judge every certificate, Rekey or not.
      expect(results.find((r) => r.rule === 'RF-DISC-004')?.status).toBe('pass');
    },
  );

  it.each([
    ['rekey-not-served', 405],
    ['rekey-not-found', 404],
    ['rekey-not-implemented', 501],
  ] as const)(
    '%s, read-only: one fail (RF-REQ-019), every other Rekey rule not evaluated',
    { timeout: 60_000 },
    async (fault, status) => {
      const { results } = await runAgainstMock(redfishApi as AnyApi, 'ami', [fault], readOnly);
      expect(results.filter((r) => r.status === 'fail' || r.status === 'warn').map((r) => r.rule)).toEqual([
        'RF-REQ-019',
      ]);
      const errors = results.filter((r) => r.status === 'error');
      expect(errors.length).toBeGreaterThanOrEqual(10);
      for (const r of errors)
        expect(r.cause, r.rule).toEqual({ what: `Rekey not served (${status})`, owner: 'RF-REQ-019' });
    },
  );
});
