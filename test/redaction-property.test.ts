/**
 * Redaction as a property (issue 21): a secret drawn from a hostile alphabet (Unicode, regex and Markdown
 * metacharacters, quotes, newlines), echoed back by a target in every place a report can quote it, appears in no
 * output in any encoding: raw, JSON-escaped, XML/HTML-escaped, Markdown-escaped, whitespace-folded, or inside base64
 * data. A secret too short to be masked safely is refused when the profile is loaded.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/core/errors.ts';
import type { RuleResult } from '../src/core/engine.ts';
import { summarize } from '../src/core/outcome.ts';
import { Redactor } from '../src/http/redact.ts';
import { MIN_SECRET_LENGTH, loadProfile } from '../src/profile/load.ts';
import { harFileName } from '../src/record/har.ts';
import type { RunRecord } from '../src/report/run.ts';
import { renderFileReports, writeReports } from '../src/report/write.ts';
import { APIS } from '../suites/index.ts';
import { readTree, tempDir } from './helpers.ts';

const HOSTILE = [
  ...'.*+?^$(){}[]|\\/', // regex
  ...'#>_`~-!', // Markdown
  '"',
  "'",
  '\n',
  '\r\n',
  '\t',
  ' ',
  '&',
  '<',
  '%',
  '=',
  ':',
  ',',
  'é',
  'ß',
  'ж',
  '漢',
  'א',
  '\u200b',
  '😀',
  'a',
  'Z',
  '7',
];
const hostileSecret = (minLength: number, maxLength: number) =>
  fc
    .array(fc.constantFrom(...HOSTILE), { minLength, maxLength })
    .map((parts) => parts.join(''))
    .filter((s) => [...s].length >= minLength && [...s].length <= maxLength);

/** A run whose target echoed the secret everywhere a report quotes a device or a profile. */
function echoingRun(secret: string): RunRecord {
  // A CSR-like blob: DER around the secret, as a BMC returns one with the challenge password inside.
  const inBase64 = Buffer.concat([
    Buffer.from([0x30, 0x82, 0x01, 0x0a, 0x02, 0x01, 0x00, 0x0c]),
    Buffer.from(secret, 'utf8'),
    Buffer.alloc(48, 0x41),
  ]).toString('base64');
  const echoed = JSON.stringify({ ChallengePassword: secret, Message: `bad value ${secret}` });
  const result = (rule: string, status: RuleResult['status']): RuleResult => ({
    target: `lab-${secret}`,
    rule,
    title: `a rule about ${secret}`,
    level: 'MUST',
    status,
    message: `expected 400, got 200 with ${secret} | ${JSON.stringify(secret)}`,
    reason: `because ${secret}`,
    durationMs: 1,
    notes: [`note ${secret}`],
    evidence: [
      {
        method: 'POST',
        url: `https://bmc.example/redfish/v1/x?q=${encodeURIComponent(secret)}`,
        status: 400,
        durationMs: 1,
        request: echoed,
        response: `${echoed}\n-----BEGIN CERTIFICATE REQUEST-----\n${inBase64}\n-----END CERTIFICATE REQUEST-----`,
      },
    ],
  });
  const results = [result('RF-REQ-002', 'fail'), result('RF-REQ-003', 'error'), result('RF-REQ-004', 'skip')];
  return {
    tool: { name: 'certconform', version: 'test' },
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
    targets: [
      {
        name: `lab-${secret}`,
        api: 'redfish',
        baseUrl: 'https://bmc.example',
        vendor: `v ${secret}`,
        absent: [{ capability: 'rekey', name: 'Rekey', reason: `not offered (${secret})` }],
      },
    ],
    summary: summarize(results.map((r) => r.status)),
    results,
    residue: [
      { target: `lab-${secret}`, rule: 'RF-REQ-002', what: `x ${secret}`, where: 'https://bmc', why: secret },
    ],
    citations: {},
  };
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decodeEntities = (t: string) =>
  t.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) =>
    e[0] === '#'
      ? String.fromCodePoint(
          e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10),
        )
      : (ENTITY[e] ?? m),
  );
/** Every JSON string literal in a text, decoded (nested quoting too, a level at a time). */
function jsonStrings(t: string, depth = 0): string[] {
  const out: string[] = [];
  for (const m of t.matchAll(/"(?:[^"\\]|\\.)*"/g)) {
    try {
      const s = JSON.parse(m[0]) as string;
      out.push(s);
      if (depth < 3) out.push(...jsonStrings(s, depth + 1));
    } catch {
      // not a JSON string
    }
  }
  return out;
}
const fold = (t: string) => t.replace(/\s+/g, ' ');
/** Every view in which a reader (or a parser) could find the secret again. */
function views(text: string): string[] {
  const decoded = decodeEntities(text);
  const base = [text, decoded, decoded.replace(/\\([|*_#>`\\[\]()-])/g, '$1'), ...jsonStrings(decoded)];
  const bytes = [...text.matchAll(/[A-Za-z0-9+/]{16,}={0,2}/g)].map((m) =>
    Buffer.from(m[0], 'base64').toString('utf8'),
  );
  return [...base, ...base.map(fold), ...bytes];
}

/** The secret's forms that would be a leak: itself, folded, and its base64. */
const leaks = (secret: string) => [
  secret,
  fold(secret),
  Buffer.from(secret, 'utf8').toString('base64').replace(/=+$/, ''),
];

function found(secret: string, texts: string[]): string[] {
  const all = texts.flatMap(views);
  return leaks(secret).filter((l) => l.trim().length >= MIN_SECRET_LENGTH && all.some((v) => v.includes(l)));
}

/**
 * A form of the secret that occurs in the reports whatever the secret (report vocabulary, like "a ru" for a secret
 * "a ru") is no leak: rendered once with a neutral secret of the same length, it must be absent there.
 */
function coincidental(secret: string, render: (s: string) => string[]): boolean {
  const neutral = 'Q'.repeat([...secret].length);
  let texts = neutralRenders.get(render)?.get(neutral);
  if (!texts) {
    texts = render(neutral);
    if (!neutralRenders.has(render)) neutralRenders.set(render, new Map());
    neutralRenders.get(render)!.set(neutral, texts);
  }
  return found(secret, texts).length > 0;
}
const neutralRenders = new Map<(s: string) => string[], Map<string, string[]>>();

function rendered(secret: string): string[] {
  const redactor = new Redactor();
  redactor.add(secret);
  return Object.values(renderFileReports(echoingRun(secret), redactor));
}

describe('redaction as a property', () => {
  it('10,000 hostile secrets echoed by a target appear in no report, in any encoding', () => {
    fc.assert(
      fc.property(hostileSecret(MIN_SECRET_LENGTH, 16), (secret) => {
        fc.pre(!coincidental(secret, rendered));
        expect(found(secret, rendered(secret))).toEqual([]);
      }),
      { numRuns: 10_000, seed: 21 },
    );
  }, 600_000);

  it('every file of a written run (Allure included) and the HAR file name hold none of them', () => {
    fc.assert(
      fc.property(hostileSecret(MIN_SECRET_LENGTH, 12), (secret) => {
        const redactor = new Redactor();
        redactor.add(secret);
        const dir = tempDir('certconform-redact-');
        const write = (s: string) => {
          writeReports(dir, echoingRun(s), redactor);
          return readTree(dir).map((f) => f.text);
        };
        fc.pre(!coincidental(secret, (s) => write(s)));
        const texts = write(secret);
        expect(found(secret, [...texts, ...readdirSync(dir)])).toEqual([]);
        expect(harFileName(redactor.text(`lab-${secret}`))).not.toContain(secret);
      }),
      { numRuns: 100, seed: 21 },
    );
  });

  it('a secret too short to be masked safely is refused when the profile is loaded (one line, exit 2)', () => {
    const dir = tempDir('certconform-short-');
    fc.assert(
      fc.property(hostileSecret(1, MIN_SECRET_LENGTH - 1), (secret) => {
        const file = join(dir, 'p.yaml');
        writeFileSync(
          file,
          'api: redfish\nbaseUrl: https://bmc.example\nauth: { scheme: basic, username: u, password: "${PW}" }\n',
        );
        const load = () => loadProfile(file, APIS, new Redactor(), { PW: secret });
        expect(load).toThrow(UsageError);
        expect(load).toThrow(/auth\.password: a secret of fewer than 4 characters cannot be masked safely/);
      }),
      { numRuns: 200, seed: 21 },
    );
    expect(readFileSync(join(dir, 'p.yaml'), 'utf8')).toContain('${PW}');
  });
});
