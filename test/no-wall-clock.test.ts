import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { replayRecording } from '../src/record/replay.ts';
import { repoPath } from '../src/paths.ts';

/**
 * No wall clock in a decision the harness takes between requests (issue 20 item 1). When the harness renews a
 * token depends on the harness clock, which a replay hands back from the recording: a replay on a machine many
 * times slower than the recording one asks for the same requests at the same points, and reproduces every verdict.
 */

const CORPUS = repoPath('fixtures/recordings');

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a replay on a slow machine takes the decisions the recorded run took', () => {
  it.each([
    // 5-second tokens: the suite renews them by their age.
    'mock-oracle-sbc-short-token.har',
    // Tokens that stop working after some requests: the suite logs in again on the 401, and learns their lifetime.
    'mock-oracle-sbc-expiring-tokens.har',
  ])(
    '%s: with the wall clock running 50 times faster, every verdict is reproduced',
    async (file) => {
      // Every millisecond of the replay looks like 50 to anything that reads the wall clock.
      const start = Date.now();
      const real = Date.now.bind(Date);
      vi.spyOn(Date, 'now').mockImplementation(() => start + (real() - start) * 50);
      const lines: string[] = [];
      const report = await replayRecording(join(CORPUS, file), { print: (...l) => lines.push(...l) });
      expect(report.reproduced, lines.join('\n')).toBe(report.total);
      expect(report.total).toBeGreaterThan(40);
    },
    120_000,
  );
});
