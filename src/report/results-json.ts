import type { RunRecord } from './run.ts';

/** results.json, schemaVersion 1 (DESIGN.md run contract). Evidence bodies only where the result is not a pass. */
export function resultsJson(run: RunRecord): string {
  const doc = {
    schemaVersion: 1,
    tool: run.tool,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    ...(run.seed !== undefined ? { seed: run.seed } : {}),
    ...(run.incomplete ? { incomplete: run.incomplete } : {}),
    // What the run changed on a device and could not undo: first, so nobody misses it.
    residue: run.residue,
    targets: run.targets,
    summary: run.summary,
    results: run.results.map((r) => ({
      target: r.target,
      rule: r.rule,
      title: r.title,
      level: r.level,
      status: r.status,
      message: r.message ?? null,
      reason: r.reason ?? null,
      durationMs: r.durationMs,
      ...(r.notes ? { notes: r.notes } : {}),
      // Why an error was not evaluated, the same for every rule it stopped (reports group by it).
      ...(r.cause ? { cause: r.cause } : {}),
      // Where a finding is in the answer: pointer, value, the answer around it; `exchange` indexes `evidence`.
      ...(r.at ? { at: r.at } : {}),
      evidence: r.evidence.map((e) =>
        r.status === 'pass'
          ? { method: e.method, url: e.url, status: e.status }
          : {
              method: e.method,
              url: e.url,
              status: e.status,
              ...(e.shared ? { shared: true } : {}),
              ...(e.error ? { error: e.error } : {}),
              ...(e.request ? { request: e.request } : {}),
              ...(e.response ? { response: e.response } : {}),
            },
      ),
    })),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
