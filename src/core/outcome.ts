/** What a conforming target is held to: a spec "shall" (MUST), a "should" (SHOULD), or a vendor's own document (VENDOR). */
export const LEVELS = ['MUST', 'SHOULD', 'VENDOR'] as const;
export type Level = (typeof LEVELS)[number];

export const STATUSES = ['pass', 'fail', 'warn', 'skip', 'error', 'xfail', 'xpass'] as const;
export type Status = (typeof STATUSES)[number];

export type Summary = Record<Status, number>;

export function emptySummary(): Summary {
  return { pass: 0, fail: 0, warn: 0, skip: 0, error: 0, xfail: 0, xpass: 0 };
}

export function summarize(statuses: Iterable<Status>): Summary {
  const s = emptySummary();
  for (const status of statuses) s[status] += 1;
  return s;
}

/** Exit codes of the run contract (DESIGN.md). */
export const EXIT = { ok: 0, failed: 1, usage: 2, errored: 3, interrupted: 130 } as const;

/** Signals that stop a run gracefully, with the exit code a shell expects (128 + the signal's number). */
export const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
export type StopSignal = keyof typeof STOP_SIGNALS;

/** 1 for a fail or xpass; otherwise 3 for an error or residue left on a device (never 0 with residue). */
export function exitCodeFor(summary: Summary, residue = 0): number {
  if (summary.fail > 0 || summary.xpass > 0) return EXIT.failed;
  if (summary.error > 0 || residue > 0) return EXIT.errored;
  return EXIT.ok;
}
