import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/** The repository root, so data files resolve the same from the CLI, tests and scripts. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

export function repoPath(...parts: string[]): string {
  return resolve(REPO_ROOT, ...parts);
}

/** What the tool keeps between its runs on this machine (compiled validators, the self-test's timings). */
export const CACHE_DIR = repoPath('node_modules/.cache/certconform');
