// Whether dist/cli.mjs (scripts/build.mjs, run by `npm ci`) was built from the sources as they are now: each
// source file it was built from still has the same content. Plain JavaScript: it runs before any loader.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import { join } from 'node:path';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BUNDLE = join(ROOT, 'dist', 'cli.mjs');
export const INPUTS = join(ROOT, 'dist', 'inputs.json');

export function digest(file) {
  return createHash('sha256')
    .update(readFileSync(join(ROOT, file)))
    .digest('hex');
}

export function bundleIsCurrent(inputsFile = INPUTS) {
  try {
    const inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
    return Object.entries(inputs).every(([file, hash]) => digest(file) === hash);
  } catch {
    return false; // no bundle, or a source file it was built from is gone
  }
}
