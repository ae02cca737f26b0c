/**
 * The conformance suites as vitest tests (`npx vitest run --project conformance`): one test per (target, rule),
 * in the engine's order, with outcomes from certconform's own engine (one source of truth). The targets are the
 * profiles in CERTCONFORM_PROFILE (separated like PATH), or every bundled mock. The run's reports (results.json,
 * junit.xml, …) go to CERTCONFORM_OUT (default reports/<timestamp>-<pid>/); allure-vitest writes its results to
 * ALLURE_RESULTS_DIR (default allure-results/). `-t` runs only the rules it selects.
 */
import { readFileSync } from 'node:fs';
import { basename, delimiter, extname, join } from 'node:path';
import * as allure from 'allure-js-commons';
import { afterAll, beforeAll, describe, it, type TestContext } from 'vitest';
import { APIS } from '../suites/index.ts';
import type { AnyApi, AnyRule } from '../src/core/api.ts';
import type { Status } from '../src/core/outcome.ts';
import { Redactor } from '../src/http/redact.ts';
import { loadProfile } from '../src/profile/load.ts';
import { runConformance } from '../src/run.ts';
import { allureStatus, warnsFail } from './outcome.ts';

interface RecordedResult {
  target: string;
  rule: string;
  status: Status;
  message: string | null;
  reason: string | null;
  evidence: unknown[];
}
interface RecordedRun {
  results: RecordedResult[];
  residue: Array<{ target: string; rule: string; what: string; where: string; why: string }>;
}

const profiles = (process.env.CERTCONFORM_PROFILE ?? '').split(delimiter).filter(Boolean);

/** The targets the run will have, by the names it gives them (profile name, file name, or mock:<api>:<variant>). */
const planned: Array<{ name: string; api: AnyApi }> = profiles.length
  ? profiles.map((file) => {
      const { profile } = loadProfile(file, APIS, new Redactor());
      const api = APIS[profile.api]!;
      const name =
        profile.name ??
        (profile.mock
          ? `mock:${api.id}:${profile.mock.variant ?? api.defaultVariant}`
          : basename(file, extname(file)));
      return { name, api };
    })
  : Object.values(APIS).map((api) => ({ name: `mock:${api.id}:${api.defaultVariant}`, api }));

let recorded: RecordedRun | undefined;
let runError: unknown;

// vitest passes the fixtures first (an object pattern is required), then the file's suite.
// eslint-disable-next-line no-empty-pattern
beforeAll(async ({}, file) => {
  // With -t (or an editor running one test), only the selected rules run.
  const selected = new Set<string>();
  let all = true;
  const visit = (tasks: readonly { type: string; mode: string; name: string; tasks?: unknown }[]) => {
    for (const t of tasks) {
      if (t.type === 'suite') visit(t.tasks as typeof tasks);
      else if (t.mode === 'run') selected.add(t.name.split(' ')[0]!);
      else all = false;
    }
  };
  visit(file.tasks);
  selected.delete('residue:');
  if (!all && selected.size === 0) return;
  try {
    const { outDir } = await runConformance({
      profiles,
      rules: all ? undefined : [...selected],
      out: process.env.CERTCONFORM_OUT || undefined,
      ...(warnsFail() ? { warnAsFailure: true } : {}),
      print: (...lines) => console.log(lines.join('\n')),
    });
    // The reports' own redacted record: what the tests assert is what results.json says.
    recorded = JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8')) as RecordedRun;
  } catch (err) {
    runError = err;
  }
}, 3_600_000);

afterAll(() => {
  recorded = undefined;
});

for (const { name, api } of planned) {
  describe(name, () => {
    for (const rule of api.rules) {
      it(`${rule.id} ${rule.title}`, async (ctx) => {
        await labels(api, rule, name);
        if (runError) throw runError;
        const r = recorded?.results.find((x) => x.target === name && x.rule === rule.id);
        if (!r) throw new HarnessError(`the run recorded no result for ${rule.id} on ${name}`);
        await assertOutcome(ctx, r);
      });
    }
    it('residue: the run left nothing it could not undo', async () => {
      if (runError) throw runError;
      const left = (recorded?.residue ?? []).filter((x) => x.target === name);
      if (left.length)
        throw new HarnessError(
          `residue on ${name}: ${left.map((x) => `${x.rule}: ${x.what} at ${x.where} (${x.why})`).join('; ')}`,
        );
    });
  });
}

/** A harness error, not a finding: allure-vitest reports a thrown error that is not an assertion as broken. */
class HarnessError extends Error {
  override name = 'NotEvaluated';
  constructor(message: string) {
    // allure-vitest reads any message naming an "assert…" as an assertion (failed): keep the word intact for
    // people, but not for that pattern.
    super(message.replace(/assert/gi, (w) => `${w.slice(0, 2)}\u200b${w.slice(2)}`));
  }
}

/** A failed requirement: an assertion with expected and actual when the message states them. */
function violation(message: string): Error {
  const err = new Error(message) as Error & { expected?: string; actual?: string };
  err.name = 'AssertionError';
  const m = /expected (.+), got (.+)$/.exec(message);
  if (m) {
    err.expected = m[1];
    err.actual = m[2];
  }
  return err;
}

async function labels(api: AnyApi, rule: AnyRule, target: string): Promise<void> {
  const src = (api.sources as Record<string, { title: string; url?: string }>)[rule.cite.source];
  await allure.epic(api.id);
  await allure.feature(rule.id.split('-').slice(0, 2).join('-'));
  await allure.story(rule.id);
  await allure.tag(rule.level);
  await allure.severity(rule.level === 'SHOULD' ? 'minor' : 'critical');
  await allure.label('AS_ID', rule.id);
  await allure.parameter('target', target);
  await allure.description(`${src?.title ?? rule.cite.source}, ${rule.cite.section}: “${rule.cite.quote}”`);
  if (src?.url) await allure.link(src.url, `${src.title} ${rule.cite.section}`);
}

async function assertOutcome(ctx: TestContext, r: RecordedResult): Promise<void> {
  const text = [r.message, r.reason].filter(Boolean).join(': ');
  if (r.evidence.length)
    await allure.attachment('evidence', JSON.stringify(r.evidence, null, 2), 'application/json');
  if (r.status === 'warn' || r.status === 'xfail' || r.status === 'xpass') await allure.tag(r.status);
  switch (r.status) {
    case 'pass':
      return;
    case 'warn':
      // A SHOULD violated: visible as an annotation, a tag and a failed step; a failure only when asked.
      await ctx.annotate(`WARN: ${text}`, 'warning');
      await allure.logStep(`WARN: ${text}`, allure.Status.FAILED);
      if (allureStatus('warn') === 'failed') throw violation(`WARN: ${r.message ?? ''}`);
      return;
    case 'fail':
      throw violation(r.message ?? 'failed');
    case 'xpass':
      throw violation(`XPASS: listed as a known failure but passes (${r.reason ?? ''})`);
    case 'error':
      throw new HarnessError(`not evaluated: ${text}`);
    case 'skip':
      await allure.logStep(`skipped: ${r.reason ?? ''}`, allure.Status.SKIPPED);
      return ctx.skip(r.reason ?? 'skipped');
    case 'xfail':
      await ctx.annotate(`XFAIL: ${text}`, 'notice');
      await allure.logStep(`XFAIL: ${text}`, allure.Status.SKIPPED);
      return ctx.skip(`xfail: ${text}`);
  }
}
