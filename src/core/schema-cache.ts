import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Ajv, ValidateFunction } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import ajvPackage from 'ajv/package.json' with { type: 'json' };
import { keepInCache, loadWithCodeCache } from '../../bin/bundle.js';
import { CACHE_DIR } from '../paths.ts';

// Imported, not required: it must be the copy of ajv that made the validators (the CLI bundle holds its own), or
// it cannot tell ajv's code objects from data.
const standaloneCode = standalone as unknown as (ajv: Ajv, refs: Record<string, string>) => string;
const AJV_VERSION = ajvPackage.version;

export const SCHEMA_CACHE_DIR = CACHE_DIR;

/**
 * Validators for `refs`, compiled once per machine. Compiling a large schema set takes seconds (the Redfish
 * schemas: 1.5 to 3 s), loading the code ajv generated for it (its standalone mode) a tenth of one. So that code is
 * written to node_modules/.cache/certconform, keyed by the schema sources, the refs and the ajv version, and later
 * runs load it. A cache that cannot be written (a read-only install) or read only costs the compile.
 * `ajv` must keep the generated code (`code: { source: true }`) and is only called when the cache misses.
 */
export function cachedValidators(
  name: string,
  ajv: () => Ajv,
  refs: readonly string[],
  sources: readonly Buffer[],
): Map<string, ValidateFunction> {
  const hash = createHash('sha256').update(`${AJV_VERSION}\0${name}\0${refs.join('\0')}`);
  for (const s of sources) hash.update(s);
  const file = join(SCHEMA_CACHE_DIR, `${name}-${hash.digest('hex').slice(0, 20)}.cjs`);
  const exportName = (i: number) => `v${i}`;
  try {
    // Through V8's code cache: the Redfish set is 3.7 MB of JavaScript, 60 ms to compile.
    const loaded = loadWithCodeCache(file, `${file}.v8`) as Record<string, ValidateFunction | undefined>;
    return new Map(refs.flatMap((ref, i) => (loaded[exportName(i)] ? [[ref, loaded[exportName(i)]!]] : [])));
  } catch {
    // Not cached yet, or a damaged file: compiled and written again below.
  }
  // A ref the schemas do not hold is left out (its caller reports it when it asks for it).
  const instance = ajv();
  const compiled = new Map<string, ValidateFunction>();
  const exported: Record<string, string> = {};
  refs.forEach((ref, i) => {
    const validate = instance.getSchema(ref);
    if (!validate) return;
    compiled.set(ref, validate);
    exported[exportName(i)] = ref;
  });
  keepInCache(file, standaloneCode(instance, exported));
  return compiled;
}

/**
 * A JSON value derived from `sources` (parsed YAML, say), computed once per machine and then read from
 * node_modules/.cache/certconform like the validators. A cache that cannot be read or written only costs `compute`.
 */
export function cachedJson<T>(name: string, sources: readonly Buffer[], compute: () => T): T {
  const hash = createHash('sha256').update(name);
  for (const s of sources) hash.update(s);
  const file = join(SCHEMA_CACHE_DIR, `${name}-${hash.digest('hex').slice(0, 20)}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    // Not cached yet, or a damaged file: computed and written again.
  }
  const value = compute();
  keepInCache(file, JSON.stringify(value));
  return value;
}
