/**
 * `certconform selftest` on several cores: one process is one event loop, and a self-test is mostly CPU (keys,
 * certificates, parsing), so the checks are dealt to `processes` child processes (`selftest --shard i/n`), each
 * running its share of every API, and their reports are merged. Each child prints JSON lines on stdout.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { AnyApi } from './api.ts';
import { inReportOrder, reportOk, selftest, type SelftestPart, type SelftestReport } from './selftest.ts';
import type { Shard } from '../fleet/shard.ts';
import { Slots } from '../fleet/pool.ts';
import { loadDurations } from './selftest-durations.ts';

/**
 * Suite passes at once in one process of a self-test, all APIs together. The longest checks start first and
 * mostly wait (withheld answers, a task that never ends), so 6 slots left the CPU idle while they held most of
 * them; the other passes are CPU on one event loop, and many more at once only make each answer slower (at 16,
 * with the mocks' earlier 5 s request timeout, a clean run's request timed out).
 */
export const SHARD_SLOTS = 10;

/** What to self-test: the parts, and the faults and hostile seed when the command line names them. */
export interface SelftestSelection {
  parts: readonly SelftestPart[];
  faults?: string[];
  seed?: number;
}

/** What a shard prints, one JSON document per line. */
type ShardLine = { api: string; line: string } | { api: string; report: SelftestReport };

/** The child's side: its share of every API, as JSON lines on stdout. */
export async function runShard(apis: AnyApi[], selection: SelftestSelection, shard: Shard): Promise<void> {
  const emit = (l: ShardLine) => process.stdout.write(`${JSON.stringify(l)}\n`);
  // The APIs side by side, sharing the slots: one API's long waits (withheld answers, tasks that never end)
  // overlap the others' work, and the process never runs more passes at once than it can serve in time.
  const slots = new Slots(SHARD_SLOTS);
  // Every share reads the same timings, so they deal the checks alike.
  const durations = loadDurations();
  await Promise.all(
    apis.map(async (api) => {
      const faults = selection.faults?.filter((f) => f in api.faults);
      if (selection.faults?.length && !faults?.length) return;
      const report = await selftest(api, {
        parts: selection.parts,
        shard,
        slots,
        durations,
        ...(faults ? { faults } : {}),
        ...(selection.seed !== undefined ? { seed: selection.seed } : {}),
        onProgress: (line) => emit({ api: api.id, line }),
      });
      // The rule results of the clean runs stay here: the parent needs the verdicts, not every exchange.
      emit({
        api: api.id,
        report: { ...report, variants: report.variants.map((v) => ({ ...v, results: [] })) },
      });
    }),
  );
}

/** The parent's side: starts the shards, relays their progress, and merges their reports per API. */
export async function selftestInProcesses(
  apis: AnyApi[],
  selection: SelftestSelection,
  processes: number,
  onProgress: (api: string, line: string) => void,
): Promise<SelftestReport[]> {
  const shares = await Promise.all(
    Array.from({ length: processes }, (_, i) =>
      shardProcess(apis, selection, { index: i + 1, count: processes }, onProgress),
    ),
  );
  return apis
    .map((api) =>
      mergeReports(
        api,
        shares.flatMap((reports) => reports.filter((r) => r.api === api.id)),
      ),
    )
    .filter((r): r is SelftestReport => r !== undefined);
}

function shardProcess(
  apis: AnyApi[],
  selection: SelftestSelection,
  shard: Shard,
  onProgress: (api: string, line: string) => void,
): Promise<SelftestReport[]> {
  const args = [
    ...process.execArgv,
    process.argv[1]!,
    'selftest',
    ...apis.flatMap((a) => ['--api', a.id]),
    ...(selection.faults ?? []).flatMap((f) => ['--fault', f]),
    // The options the selection came from (the child derives the same parts from them).
    ...(selection.parts.length === 1 && selection.parts[0] === 'hostile' ? ['--hostile'] : []),
    ...(selection.seed !== undefined ? ['--seed', String(selection.seed)] : []),
    '--shard',
    `${shard.index}/${shard.count}`,
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const reports: SelftestReport[] = [];
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (text) => {
    let l: ShardLine;
    try {
      l = JSON.parse(text) as ShardLine;
    } catch {
      return onProgress('selftest', `shard ${shard.index}/${shard.count}: ${text}`);
    }
    if ('report' in l) reports.push(l.report);
    else onProgress(l.api, l.line);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve(reports);
      else
        reject(
          new Error(
            `self-test shard ${shard.index}/${shard.count} ended (${signal ?? `exit ${code}`}) after ${reports.length} of its reports`,
          ),
        );
    });
  });
}

/** One API's shard reports as one: every check once, in the order of the API's vocabularies. */
export function mergeReports(api: AnyApi, shares: SelftestReport[]): SelftestReport | undefined {
  if (shares.length === 0) return undefined;
  const merged = inReportOrder(api, {
    variants: shares.flatMap((s) => s.variants),
    faults: shares.flatMap((s) => s.faults),
    hostile: shares.flatMap((s) => s.hostile),
    extra: shares.flatMap((s) => s.extra),
    // Every share finds the same vocabulary gaps.
    coverage: shares[0]!.coverage,
  });
  return { api: api.id, ...merged, ok: reportOk(merged) };
}
