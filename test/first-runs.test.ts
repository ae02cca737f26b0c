/**
 * First runs that pass: what `certconform mock <api> --profile-out F` writes is all a run needs (the CA, the
 * client certificate of a variant that asks for one, the variant's expectations), so `run -p F` exits 0, and
 * again against the same standalone mock; a minimal `mock: {}` profile works for every API.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { APIS } from '../suites/index.ts';
import { API_IDS, type AnyApi } from '../src/core/api.ts';
import { mockTarget } from '../src/core/targets.ts';
import { writeMockProfile } from '../src/mock/profile-out.ts';
import { runConformance } from '../src/run.ts';
import { quiet, tempDir, writeTemp } from './helpers.ts';

async function twice(api: AnyApi, variant: string) {
  const mock = await api.startMock({ variant, faults: [] });
  try {
    const dir = tempDir();
    const written = writeMockProfile(join(dir, 'lab.yaml'), mockTarget(api, variant, mock, `lab-${api.id}`));
    const codes: string[] = [];
    for (const n of [1, 2]) {
      const { run, exitCode } = await runConformance({
        profiles: [written.profile],
        out: join(dir, `run${n}`),
        print: quiet,
      });
      const bad = run.results.filter((r) => !['pass', 'skip', 'xfail'].includes(r.status));
      codes.push(
        `run ${n}: exit ${exitCode}${bad.map((r) => `; ${r.rule} ${r.status}: ${r.message ?? ''}`).join('')}`,
      );
    }
    return { codes, written };
  } finally {
    await mock.close();
  }
}

describe('mock --profile-out, then run -p, twice against the same mock', () => {
  for (const id of API_IDS) {
    const api = APIS[id];
    it(`${id} (${api.defaultVariant}): exit 0 both times`, async () => {
      const { codes } = await twice(api, api.defaultVariant);
      expect(codes).toEqual(['run 1: exit 0', 'run 2: exit 0']);
    }, 180_000);
  }

  it('the written profile carries the expectations and the client certificate, beside it and named relative to it', async () => {
    const cz = APIS.czertainly;
    const mock = await cz.startMock({ variant: 'client-cert', faults: [] });
    const rf = APIS.redfish;
    const rfMock = await rf.startMock({ variant: 'ami', faults: [] });
    try {
      const dir = tempDir();
      const a = writeMockProfile(join(dir, 'cz.yaml'), mockTarget(cz, 'client-cert', mock));
      const doc = parse(readFileSync(a.profile, 'utf8')) as { tls: Record<string, unknown> };
      expect(doc.tls).toEqual({
        caFile: './cz-ca.pem',
        clientCert: { certFile: './cz-client.pem', keyFile: './cz-client-key.pem' },
      });
      const b = writeMockProfile(join(dir, 'rf.yaml'), mockTarget(rf, 'ami', rfMock));
      expect(parse(readFileSync(b.profile, 'utf8'))).toMatchObject({
        expectations: './rf-expectations.yaml',
      });
      expect(existsSync(b.expectations!)).toBe(true);
      const { exitCode } = await runConformance({
        profiles: [a.profile],
        rules: ['CZ-ISS-*'],
        out: join(dir, 'out'),
        print: quiet,
      });
      expect(exitCode).toBe(0);
    } finally {
      await mock.close();
      await rfMock.close();
    }
  }, 180_000);
});

describe('a minimal mock profile', () => {
  it('works for every API (the mock brings the params an API requires)', async () => {
    const dir = tempDir();
    const profiles = API_IDS.map((id) => writeTemp(dir, `${id}.yaml`, `api: ${id}\nmock: {}\n`));
    const { run, exitCode } = await runConformance({ profiles, out: join(dir, 'out'), print: quiet });
    expect(run.targets.map((t) => t.api)).toEqual([...API_IDS]);
    expect(run.summary.fail + run.summary.error + run.summary.warn).toBe(0);
    expect(exitCode).toBe(0);
  }, 240_000);

  it("checks the profile's params over the mock's: a wrong one is still one line naming the field", async () => {
    const file = writeTemp(
      tempDir(),
      'cz.yaml',
      'api: czertainly\nmock: {}\nparams: { authorityUuid: not-a-uuid }\n',
    );
    await expect(
      runConformance({ profiles: [file], out: join(tempDir(), 'o'), print: quiet }),
    ).rejects.toThrow(/params\.authorityUuid: must match pattern/);
  });
});
