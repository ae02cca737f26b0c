import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Ajv, ValidateFunction } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import ajvPackage from 'ajv/package.json' with { type: 'json' };
import { CACHE_DIR } from '../paths.ts';

// The cached modules are loaded with require (they are CommonJS, written by ajv).
const require = createRequire(import.meta.url);
// Imported, not required: it must be the copy of ajv that made the validators (the CLI bundle holds its own), or
// it cannot tell ajv's code objects from data.
const standaloneCode = standalone as unknown as (ajv: Ajv, refs: Record<string, string>) => string;
const AJV_VERSION = ajvPackage.version;

export const SCHEMA_CACHE_DIR = CACHE_DIR;

/**
 * Validators for `refs`, compiled once per machine. Compiling a large schema set takes seconds (the Redfish
 * schemas: 1.5 to 3 s), loading the code ajv generated for it (its standalone mode) a tenth of one. So that code is
 * written to node_modules/.cache/certconform, one module per ref, keyed by the schema sources, the refs and the ajv
 * version, and later runs load a ref's module when it is first used (a run against one device uses a few of the
 * Redfish schema versions: loading all of them took 80 ms). A cache that cannot be written (a read-only install)
 * or read only costs the compile. `ajv` must keep the generated code (`code: { source: true }`) and is only called
 * when the cache misses.
 */
export function cachedValidators(
  name: string,
  ajv: () => Ajv,
  refs: readonly string[],
  sources: readonly Buffer[],
): Map<string, ValidateFunction> {
  const hash = createHash('sha256').update(`${AJV_VERSION}\0${name}\0${refs.join('\0')}`);
  for (const s of sources) hash.update(s);
  const base = join(SCHEMA_CACHE_DIR, `${name}-${hash.digest('hex').slice(0, 20)}`);
  // The index (the refs that have a module) is written last: it is there only when every module is.
  const index = `${base}.json`;
  const moduleOf = (i: number) => `${base}-v${i}.cjs`;
  let instance: Ajv | undefined;
  const compile = (ref: string) => (instance ??= ajv()).getSchema(ref);
  try {
    const kept = JSON.parse(readFileSync(index, 'utf8')) as number[];
    return new Map(
      kept.map((i) => {
        const ref = refs[i]!;
        // A damaged module is compiled again, in this process only.
        return [
          ref,
          lazyValidator(
            () => attempt(() => (require(moduleOf(i)) as { v: ValidateFunction }).v) ?? compile(ref)!,
          ),
        ];
      }),
    );
  } catch {
    // Not cached yet, or a damaged index: compiled and written again below.
  }
  // A ref the schemas do not hold is left out (its caller reports it when it asks for it).
  const compiled = new Map<string, ValidateFunction>();
  const kept: number[] = [];
  refs.forEach((ref, i) => {
    const validate = compile(ref);
    if (!validate) return;
    compiled.set(ref, validate);
    kept.push(i);
  });
  const written: string[] = [];
  // Whole or not at all: processes running side by side may write the same files.
  const write = (file: string, text: string) => {
    const partial = `${file}.${process.pid}.tmp`;
    written.push(partial);
    writeFileSync(partial, text);
    renameSync(partial, file);
  };
  try {
    mkdirSync(SCHEMA_CACHE_DIR, { recursive: true });
    for (const i of kept) write(moduleOf(i), standaloneCode(instance!, { v: refs[i]! }));
    write(index, JSON.stringify(kept));
  } catch {
    for (const partial of written) rmSync(partial, { force: true });
  }
  return compiled;
}

/** What `load` returns, or undefined when it throws. */
function attempt<T>(load: () => T): T | undefined {
  try {
    return load();
  } catch {
    return undefined;
  }
}

/** A validator whose code is loaded when it is first called; its errors are those of the last call. */
function lazyValidator(load: () => ValidateFunction): ValidateFunction {
  let loaded: ValidateFunction | undefined;
  const validate = ((data: unknown) => {
    loaded ??= load();
    const valid = loaded(data) as boolean;
    validate.errors = loaded.errors;
    return valid;
  }) as ValidateFunction;
  return validate;
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
  try {
    mkdirSync(SCHEMA_CACHE_DIR, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(value));
    renameSync(partial, file);
  } catch {
    rmSync(`${file}.${process.pid}.tmp`, { force: true });
  }
  return value;
}
