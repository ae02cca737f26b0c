import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR } from '../paths.ts';
import type { SelftestReport } from './selftest.ts';

/**
 * How long each self-test check took when it last ran on this machine, in seconds, by `api/kind/name`. The
 * self-test deals and starts the longest first (a fault whose rule waits out a 20 s timeout must not start last);
 * an unknown check counts as the longest. Timings only order the work: no verdict depends on them.
 */
export type Durations = Record<string, number>;

export const DURATIONS_FILE = join(CACHE_DIR, 'selftest-durations.json');

export type CheckKind = 'variant' | 'fault' | 'hostile' | 'extra';

export const checkKey = (api: string, kind: CheckKind, name: string) => `${api}/${kind}/${name}`;

/** The recorded timings; none when there is no file or it does not parse (the vocabulary order then). */
export function loadDurations(file = DURATIONS_FILE): Durations {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === 'number'),
    );
  } catch {
    return {};
  }
}

/** Adds the timings of these reports to the file (written whole; a cache that cannot be written costs nothing). */
export function saveDurations(reports: SelftestReport[], file = DURATIONS_FILE): void {
  const durations = loadDurations(file);
  for (const r of reports) {
    for (const v of r.variants) durations[checkKey(r.api, 'variant', v.variant)] = v.seconds;
    for (const f of r.faults) durations[checkKey(r.api, 'fault', f.fault)] = f.seconds;
    for (const h of r.hostile) durations[checkKey(r.api, 'hostile', h.mode)] = h.seconds;
    for (const e of r.extra) durations[checkKey(r.api, 'extra', e.check)] = e.seconds;
  }
  try {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(`${file}.${process.pid}.tmp`, `${JSON.stringify(durations, null, 1)}\n`);
    renameSync(`${file}.${process.pid}.tmp`, file);
  } catch {
    // A read-only install: the next self-test deals in the vocabulary order.
  }
}
