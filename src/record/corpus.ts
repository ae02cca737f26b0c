import type { AnyApi, HostileOptions, Target } from '../core/api.ts';
import { runTarget } from '../core/engine.ts';
import { harnessClocks, setHarnessSeed } from '../core/random.ts';
import { mockTarget } from '../core/targets.ts';
import { Redactor } from '../http/redact.ts';
import { HarRecorder, writeHar } from './har.ts';

/** One recording of the test corpus (fixtures/recordings): a bundled mock's variant, with faults or none. */
export interface CorpusCase {
  api: AnyApi;
  variant: string;
  faults: string[];
  seed: number;
  /** Transport trouble on some requests (its answers are recorded as lost). */
  hostile?: HostileOptions;
}

/** The target name of a corpus case, which is also its file name. */
export function corpusName(c: CorpusCase): string {
  return ['mock', c.api.id, c.variant, ...c.faults, ...(c.hostile ? [c.hostile.mode] : [])].join(':');
}

/**
 * Records every rule of the API against its bundled mock, as `run --record` does, into `dir`. Used to
 * (re)make the corpus: `npx tsx fixtures/recordings/record.ts`.
 */
export async function recordMock(c: CorpusCase, dir: string): Promise<string> {
  const mock = await c.api.startMock({
    variant: c.variant,
    faults: c.faults,
    ...(c.hostile ? { hostile: c.hostile } : {}),
  });
  try {
    const target: Target = mockTarget(c.api, c.variant, mock, corpusName(c));
    const redactor = new Redactor();
    for (const a of [target.auth, ...Object.values(target.accounts)]) {
      if (a.username && a.password) redactor.addBasic(a.username, a.password);
      redactor.add(a.token);
    }
    const started = Date.now();
    setHarnessSeed(c.seed, started);
    const recorder = new HarRecorder();
    const results = await runTarget({
      api: c.api,
      target,
      rules: c.api.rules,
      redactor,
      client: { recorder },
    });
    const har = recorder.toHar(redactor, {
      seed: c.seed,
      epoch: new Date(started).toISOString(),
      clocks: harnessClocks(target.name),
      target,
      results,
    });
    return writeHar(dir, target.name, har, { compact: true });
  } finally {
    await mock.close();
  }
}
