/**
 * Checks of the run's options and paths, made before any profile is planned, any mock started or any device
 * touched: a bad option costs one line and exit 2, never a lost run (an --out that cannot be written used to be
 * found only when the first target had finished).
 */
import { closeSync, lstatSync, openSync, readlinkSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import picomatch from 'picomatch';
import type { AnyApi } from './core/api.ts';
import { UsageError } from './core/errors.ts';
import { repoPath } from './paths.ts';
import { readInputFile } from './profile/files.ts';

export interface PreflightOptions {
  out?: string;
  rules?: string[];
  expectations?: string;
}

/** Checks the options; returns the report directory (the default one when --out is not given). */
export function preflight(opts: PreflightOptions): { outDir: string } {
  for (const r of opts.rules ?? []) checkRulePattern(r);
  if (opts.expectations !== undefined) {
    if (!opts.expectations.trim()) throw new UsageError('--expectations: must name a file, got ""');
    readInputFile(opts.expectations, `--expectations ${opts.expectations}`);
  }
  const outDir = opts.out ?? defaultOutDir();
  checkOutDir(outDir, opts.out === undefined ? 'report directory' : '--out');
  return { outDir };
}

/** A --rule value: a rule ID or a glob that picomatch accepts. */
export function checkRulePattern(pattern: string): void {
  if (!pattern.trim() || pattern === '!')
    throw new UsageError(`--rule: must be a rule ID or a glob such as RF-CSR-*, got "${pattern}"`);
  try {
    picomatch(pattern.replace(/^!/, ''));
  } catch (err) {
    throw new UsageError(`--rule ${pattern}: not a valid glob: ${(err as Error).message}`);
  }
}

/**
 * Which rule IDs a selection keeps (a --rule pattern, all when none is given) and drops (--exclude, and a --rule
 * pattern that starts with "!"), case-insensitively.
 */
export function ruleMatchers(
  patterns: string[] | undefined,
  exclude: string[] = [],
): { keep: (id: string) => boolean; drop: (id: string) => boolean; include: string[] } {
  const include = (patterns ?? []).filter((p) => !p.startsWith('!'));
  const excluded = [...(patterns ?? []).filter((p) => p.startsWith('!')).map((p) => p.slice(1)), ...exclude];
  const keep = include.length ? picomatch(include, { nocase: true }) : () => true;
  const drop = excluded.length ? picomatch(excluded, { nocase: true }) : () => false;
  return { keep, drop, include };
}

/**
 * The selected APIs must have at least one rule the selection keeps (matching a --rule pattern, or every rule when
 * none is given, less the exclusions: --exclude and --rule '!GLOB'): a run that tests nothing must not pass.
 */
export function checkRulesMatch(
  apis: AnyApi[],
  patterns: string[] | undefined,
  exclude: string[] = [],
): void {
  if (!patterns?.length && !exclude.length) return;
  const { keep, drop, include } = ruleMatchers(patterns, exclude);
  if (!apis.some((api) => api.rules.some((r) => keep(r.id) && !drop(r.id)))) {
    const what = [
      ...(patterns ?? []).map((p) => `--rule ${p}`),
      ...exclude.map((p) => `--exclude ${p}`),
    ].join(', ');
    throw new UsageError(
      `${what}: no rule of ${apis.map((a) => a.id).join(', ') || 'the selected APIs'} ${include.length ? 'matches' : 'is left'}`,
    );
  }
}

let defaultDirs = 0;

/**
 * reports/<timestamp>-<pid>: two runs started in the same second (two CI jobs, a loop) never share a folder;
 * a second run in the same process gets a counter.
 */
export function defaultOutDir(now = new Date()): string {
  const stamp = now.toISOString().replace(/\..*$/, '').replace(/:/g, '-');
  defaultDirs++;
  return repoPath('reports', `${stamp}-${process.pid}${defaultDirs > 1 ? `-${defaultDirs}` : ''}`);
}

/**
 * The report directory must be a directory that can be written, or a path that can be created in one: found
 * by walking up to the nearest existing folder and writing a probe file there (no recursive mkdir, which spins
 * forever under /proc). Nothing is created.
 */
export function checkOutDir(dir: string, option = '--out'): void {
  if (!dir.trim()) throw new UsageError(`${option}: must name a directory, got ""`);
  const target = resolve(dir);
  for (let p = target, depth = 0; depth < 256; p = dirname(p), depth++) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A symbolic link whose target is missing cannot be created through (mkdir says EEXIST).
      if (code === 'ENOENT' && isSymlink(p))
        throw new UsageError(
          `${option} ${dir}: ${p} is a symbolic link to ${readlinkSync(p)}, which does not exist`,
        );
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(p) !== p) continue;
      throw new UsageError(`${option} ${dir}: cannot use ${p}: ${code ?? (err as Error).message}`);
    }
    if (!isDir)
      throw new UsageError(
        p === target
          ? `${option} ${dir}: is an existing file, not a directory`
          : `${option} ${dir}: cannot be created: ${p} is a file, not a directory`,
      );
    probeWritable(p, dir, option, p === target);
    return;
  }
  throw new UsageError(`${option} ${dir}: no existing folder above it`);
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function probeWritable(folder: string, dir: string, option: string, exists: boolean): void {
  const probe = join(folder, `.certconform-probe-${process.pid}-${Date.now()}`);
  try {
    closeSync(openSync(probe, 'wx'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    const why =
      code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EROFS'
          ? 'read-only file system'
          : code;
    // In the harness image a mounted folder belongs to the caller, not to the image's user.
    const hint =
      process.env.CERTCONFORM_IN_CONTAINER === '1' && why === 'permission denied'
        ? `; in the certconform image run as yourself: docker run --user "$(id -u):$(id -g)" … (uid ${process.getuid?.() ?? '?'} cannot write there)`
        : '';
    throw new UsageError(
      exists
        ? `${option} ${dir}: the directory is not writable (${why})${hint}`
        : `${option} ${dir}: cannot be created in ${folder} (${why})${hint}`,
    );
  }
  try {
    unlinkSync(probe);
  } catch {
    // The probe was made; a folder we can create files in but not delete from still takes the reports.
  }
}
