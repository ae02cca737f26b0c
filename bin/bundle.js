// Whether dist/cli.cjs (scripts/build.mjs, run by `npm ci`) was built from the sources as they are now: each
// source file it was built from still has the same content; and how to run it. Plain JavaScript: it runs before
// any loader.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';
import { Script } from 'node:vm';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BUNDLE = join(ROOT, 'dist', 'cli.cjs');
export const INPUTS = join(ROOT, 'dist', 'inputs.json');
/**
 * V8's compiled code of the bundle, kept beside the other caches (src/paths.ts CACHE_DIR), one per command: a
 * cache holds the functions its process had compiled, and `run` compiles others than `rules`.
 */
export function codeCacheFor(command = process.argv[2]) {
  const name = /^[a-z][a-z-]*$/.test(command ?? '') ? command : 'other';
  return join(ROOT, 'node_modules', '.cache', 'certconform', `cli.cjs.${name}.v8`);
}

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

/**
 * The bundle's exports, compiled with V8's code cache when there is one: compiling 5 MB of JavaScript, and each
 * function as it is first called, costs a command 0.15 to 0.3 s.
 */
export function loadBundle(bundle = BUNDLE, codeCache = codeCacheFor()) {
  return loadWithCodeCache(bundle, codeCache);
}

/**
 * A CommonJS file's exports, compiled with the V8 code cache `codeCache` when it holds one for this very source. A
 * process that found none (or one V8 turned down: another source, another Node) leaves one as it exits, with every
 * function it compiled by then.
 */
export function loadWithCodeCache(file, codeCache) {
  const source = readFileSync(file, 'utf8');
  let cachedData;
  try {
    cachedData = readFileSync(codeCache);
  } catch {
    // No cache yet.
  }
  const script = new Script(Module.wrap(source), { filename: file, cachedData });
  const module = { exports: {} };
  script
    .runInThisContext()
    .call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  if (!cachedData || script.cachedDataRejected)
    process.once('exit', () => keepCodeCache(script, file, codeCache));
  return module.exports;
}

function keepCodeCache(script, source, file) {
  // Not for a file that is gone (a test's cached module, removed after it).
  if (existsSync(source)) keepInCache(file, script.createCachedData());
}

/**
 * Writes a cache file whole or not at all (processes running side by side may write it at once). A cache that
 * cannot be written (a read-only install) is skipped: it only costs the work it would have saved.
 */
export function keepInCache(file, data) {
  const partial = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(partial, data);
    renameSync(partial, file);
  } catch {
    rmSync(partial, { force: true });
  }
}
