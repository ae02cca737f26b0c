import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APIS } from '../suites/index.ts';
import type { ApiId, RunningMock } from '../src/core/api.ts';
import { generatedSecrets, harnessNow, seededBytes, seededUuid, setHarnessSeed } from '../src/core/random.ts';
import { replaceBase64Runs } from '../src/http/base64-runs.ts';
import { secretEncodings } from '../src/http/redact.ts';
import { observedPeerCertificate } from '../src/http/client.ts';
import { withRule } from '../src/http/evidence.ts';
import { validateHar, type Har } from '../src/record/har.ts';
import { bodiesMatch } from '../src/record/match.ts';
import { replayRecording } from '../src/record/replay.ts';
import { runConformance } from '../src/run.ts';
import { repoPath } from '../src/paths.ts';
import { x509, type CryptoKeyPair } from '../src/pki/x509.ts';
import { CORPUS } from '../fixtures/recordings/corpus.ts';
import { tempDir } from './helpers.ts';

const CORPUS_DIR = repoPath('fixtures/recordings');
const hars = readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.har'));
const quiet = () => undefined;

describe('the recording corpus (fixtures/recordings)', () => {
  it('holds a recording of every corpus case, each valid HAR 1.2', () => {
    expect(hars.length).toBe(CORPUS.length);
    for (const f of hars)
      expect(validateHar(JSON.parse(readFileSync(join(CORPUS_DIR, f), 'utf8'))), f).toEqual([]);
  });

  it('holds no secret: no mock credential, no private key', { timeout: 60_000 }, async () => {
    for (const f of hars) {
      const text = readFileSync(join(CORPUS_DIR, f), 'utf8');
      const har = JSON.parse(text) as Har;
      const info = har.log._certconform;
      const api = APIS[info.target.api];
      // The credentials the mock's target uses (a fresh mock of the variant has the same ones).
      const variant = info.target.mockVariant ?? api.defaultVariant;
      const mock: RunningMock = await api.startMock({ variant, faults: [] });
      const t = api.mockTarget(variant, mock);
      await mock.close();
      for (const a of [t.auth, ...Object.values(t.accounts)]) {
        for (const secret of [a.password, a.token].filter((s): s is string => !!s && s.length >= 4)) {
          expect(text, `${f}: ${a.username}`).not.toContain(secret);
          if (a.username)
            expect(text, f).not.toContain(Buffer.from(`${a.username}:${secret}`).toString('base64'));
        }
      }
      expect(text, f).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
      // A secret field holds the mask, or the placeholder of a secret the harness generated.
      expect(text, f).not.toMatch(
        /"(password|token|cookie)": ?"(?!\*\*\*"|\{\{harness secret [^"]+\}\}")[^"]+"/i,
      );
      for (const e of har.log.entries)
        for (const h of [...e.request.headers, ...e.response.headers])
          if (/^(authorization|cookie|set-cookie|x-auth-token)$/i.test(h.name))
            expect(h.value, f).toBe('***');
    }
  });

  it('records the faults: each fault makes its tied rules fail in its recording', () => {
    for (const c of CORPUS.filter((c) => c.faults.length)) {
      const api = APIS[c.api];
      const file = hars.find((f) => f.endsWith(`-${c.faults.join('-')}.har`))!;
      const har = JSON.parse(readFileSync(join(CORPUS_DIR, file), 'utf8')) as Har;
      const tied = api.rules.filter((r) => c.faults.some((f) => (r.faults as readonly string[]).includes(f)));
      expect(tied.length, file).toBeGreaterThan(0);
      for (const r of tied) {
        const recorded = har.log._certconform.results.find((x) => x.rule === r.id);
        expect(['fail', 'warn', 'xfail'], `${file} ${r.id}`).toContain(recorded?.status);
      }
    }
  });

  it.each(hars)(
    'replaying %s reproduces every verdict',
    async (file) => {
      const lines: string[] = [];
      const report = await replayRecording(join(CORPUS_DIR, file), { print: (...l) => lines.push(...l) });
      const har = JSON.parse(readFileSync(join(CORPUS_DIR, file), 'utf8')) as Har;
      expect(report.total).toBe(har.log._certconform.results.length);
      expect(report.reproduced, lines.join('\n')).toBe(report.total);
      expect(lines.at(-1)).toBe(`${report.total}/${report.total} verdicts reproduced`);
      // The replay drew the secrets the recorded run generated: the recording holds none of them, in any
      // encoding, nor inside base64 data (a CSR, an archive).
      const text = readFileSync(join(CORPUS_DIR, file), 'utf8');
      const blobs: Buffer[] = [];
      replaceBase64Runs(text, (bytes) => void blobs.push(bytes));
      for (const secret of generatedSecrets(har.log._certconform.target.name).keys()) {
        for (const form of secretEncodings(secret)) expect(text, `${file}: ${form}`).not.toContain(form);
        for (const b of blobs)
          expect(b.includes(Buffer.from(secret)), `${file}: ${secret} in base64 data`).toBe(false);
      }
    },
    120_000,
  );

  it('a request the recording does not hold is an error "not in the recording", never a guess', async () => {
    const file = hars.find((f) => f === 'mock-keyfactor-default.har')!;
    const har = JSON.parse(readFileSync(join(CORPUS_DIR, file), 'utf8')) as Har;
    // Take away the exchanges of one rule: its requests are then not in the recording.
    const rule = 'KF-ERR-001';
    expect(har.log.entries.some((e) => e._rule === rule)).toBe(true);
    har.log.entries = har.log.entries.filter((e) => e._rule !== rule);
    const dir = tempDir();
    writeFileSync(join(dir, 'cut.har'), JSON.stringify(har));
    const report = await replayRecording(join(dir, 'cut.har'), { print: quiet });
    const r = report.rules.find((x) => x.rule === rule)!;
    expect(r.recorded).toBe('pass');
    expect(r.replayed).toBe('error');
    expect(r.message).toMatch(/not in the recording/);
    expect(report.differ).toBe(1);
  }, 60_000);
});

describe('record then replay a run', () => {
  it.each(Object.keys(APIS) as ApiId[])(
    '%s: run --record --seed writes a valid HAR per target and the seed; replay reproduces every verdict',
    async (api) => {
      const out = join(tempDir(), 'out');
      const { run } = await runConformance({
        profiles: [],
        only: [api],
        out,
        record: true,
        seed: 42,
        print: quiet,
      });
      const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { seed: number };
      expect(results.seed).toBe(42);
      const [file] = readdirSync(out).filter((f) => f.endsWith('.har'));
      const har = JSON.parse(readFileSync(join(out, file!), 'utf8')) as Har;
      expect(validateHar(har)).toEqual([]);
      expect(har.log._certconform.seed).toBe(42);
      expect(har.log.entries.every((e) => typeof e._rule === 'string')).toBe(true);
      expect(har.log.entries.length).toBeGreaterThan(run.results.length);
      const lines: string[] = [];
      const report = await replayRecording(out, { print: (...l) => lines.push(...l) });
      expect(report.total).toBe(run.results.length);
      expect(report.reproduced, lines.join('\n')).toBe(report.total);
      expect(lines.at(-1)).toBe(`${report.total}/${report.total} verdicts reproduced`);
    },
    120_000,
  );
});

describe('seeded harness randomness', () => {
  const draw = (target: string, rule: string) =>
    withRule(target, rule, async () => [
      seededBytes(8).toString('hex'),
      seededUuid(),
      harnessNow().getTime(),
    ]);

  it('the same seed gives every rule the same values, whatever ran before it', async () => {
    setHarnessSeed(7, 1_000);
    const first = await draw('t', 'R-1');
    await draw('t', 'R-2');
    setHarnessSeed(7, 2_000, { 't\u0000R-1': first[2] as number });
    expect(await draw('t', 'R-1')).toEqual(first);
  });

  it('another seed, rule or target gives other values; outside a rule (a mock) values are random', async () => {
    setHarnessSeed(7);
    const a = await draw('t', 'R-1');
    expect((await draw('t', 'R-2'))[0]).not.toBe(a[0]);
    expect((await draw('u', 'R-1'))[0]).not.toBe(a[0]);
    setHarnessSeed(8);
    expect((await draw('t', 'R-1'))[0]).not.toBe(a[0]);
    expect(seededBytes(8).equals(seededBytes(8))).toBe(false);
    expect(seededUuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('TLS peer certificates', () => {
  const cert = { raw: Buffer.from('a certificate'), subjectaltname: 'IP Address:127.0.0.1' };

  it('a recording keeps the certificate a rule read; a replay answers it from there, or errors', async () => {
    const seen: unknown[] = [];
    const recorder = {
      exchange: () => undefined,
      peerCertificate: (rule?: string, c?: unknown) => seen.push([rule, c]),
    };
    const read = await withRule('t', 'R-1', () => observedPeerCertificate(async () => cert), { recorder });
    expect(read).toBe(cert);
    expect(seen).toEqual([['R-1', cert]]);
    const replayPeerCertificate = (rule?: string) => (rule === 'R-1' ? cert : undefined);
    const never = async () => {
      throw new Error('a replay never connects to the device');
    };
    const hooks = { replay: true, replayPeerCertificate };
    expect(await withRule('t', 'R-1', () => observedPeerCertificate(never), hooks)).toBe(cert);
    await expect(withRule('t', 'R-2', () => observedPeerCertificate(never), hooks)).rejects.toThrow(
      /not in the recording/,
    );
  });
});

describe('replay matching', () => {
  it('a placeholder matches the secret the harness sends now; nothing else differs', () => {
    expect(bodiesMatch('{"user":"a","password":"***"}', '{"user":"a","password":"***"}')).toBe(true);
    expect(bodiesMatch('user=a&password=***&x=1', 'user=a&password=s3cr3t&x=1')).toBe(true);
    expect(bodiesMatch('{"user":"a","password":"***"}', '{"user":"b","password":"***"}')).toBe(false);
    expect(bodiesMatch('{"n":1}', '{"n":2}')).toBe(false);
  });

  it('a PKCS#10 request compares by what it requests, not by its (randomized ECDSA) signature', async () => {
    const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
    const keys = (await crypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
    const csr = async (name: string) =>
      Buffer.from(
        (await x509.Pkcs10CertificateRequestGenerator.create({ name, keys, signingAlgorithm: alg })).rawData,
      ).toString('base64');
    const [a, b, c] = [await csr('CN=one'), await csr('CN=one'), await csr('CN=two')];
    expect(a).not.toBe(b);
    expect(bodiesMatch(JSON.stringify({ request: a }), JSON.stringify({ request: b }))).toBe(true);
    expect(bodiesMatch(JSON.stringify({ request: a }), JSON.stringify({ request: c }))).toBe(false);
  });
});
