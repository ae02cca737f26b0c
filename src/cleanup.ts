import { APIS } from '../suites/index.ts';
import type { AnyApi, Connection, FoundResidue } from './core/api.ts';
import { prepareApi, targetClient } from './core/engine.ts';
import { UsageError, describeError } from './core/errors.ts';
import { EXIT } from './core/outcome.ts';
import { Redactor } from './http/redact.ts';
import { loadProfile, targetFromProfile } from './profile/load.ts';

export interface CleanupOptions {
  /** Profile files of the targets to look at (as for `run`). */
  profiles: string[];
  /** Remove what was found (otherwise only list it). */
  yes?: boolean;
  /** Allow the removal whatever the profiles say (`--allow-destructive`). */
  allowDestructive?: boolean;
  print: (...lines: string[]) => void;
  /** The APIs profiles are read against (tests pass their own). */
  apis?: Record<string, AnyApi>;
  /** Ctrl-C: nothing more is removed; what the look itself holds (a lock) is given back before the exit. */
  signal?: AbortSignal;
}

/**
 * `certconform cleanup --profile P [--yes]`: what earlier runs left on each target (scratch objects named with the
 * harness's prefix; states that block a run, such as a configuration lock another session holds), listed; with
 * `--yes` (and allowDestructive) removed, saying what was removed and what could not be. Exit 0 when nothing is
 * left, 3 when something is (found and not removed, or a target that could not be looked at).
 */
export async function cleanupCommand(opts: CleanupOptions): Promise<number> {
  const apis = opts.apis ?? APIS;
  if (opts.profiles.length === 0) throw new UsageError('cleanup: name the target with --profile FILE');
  const redactor = new Redactor();
  // Every profile is read and checked before any target is contacted: a bad one costs one line and exit 2.
  const targets = opts.profiles.map((file) => {
    const loaded = loadProfile(file, apis, redactor);
    if (loaded.profile.mock)
      throw new UsageError(
        `cleanup: profile ${file} starts a bundled mock, which is new on every run: there is nothing to clean up`,
      );
    const target = targetFromProfile(loaded, redactor);
    if (target.capture)
      throw new UsageError(
        `cleanup: profile ${file} is a read-only capture: nothing can have been left on it`,
      );
    if (opts.yes && !target.allowDestructive && !opts.allowDestructive)
      throw new UsageError(
        `cleanup --yes: profile ${file} does not allow changes to ${target.name} (allowDestructive: true, or --allow-destructive)`,
      );
    return { api: apis[target.api]!, target };
  });
  const say = (...lines: string[]) => opts.print(...lines.map((l) => redactor.text(l)));

  let left = 0;
  for (const { api, target } of targets) {
    if (opts.signal?.aborted) break;
    say(`${target.api} · ${target.name} (${target.baseUrl})`);
    await prepareApi(api);
    const http = targetClient(target, redactor);
    let connection: Connection<unknown, string> | undefined;
    try {
      connection = await api.connect({ target, redactor, http });
      if (connection.authFailure) {
        say(`  cannot look: ${connection.authFailure}`);
        left++;
        continue;
      }
      if (!connection.earlierResidue) {
        say(
          `  nothing it can look for: the ${api.id} suite has no documented read that lists what it creates`,
        );
        continue;
      }
      let found: FoundResidue[];
      try {
        found = await connection.earlierResidue({ cleanup: true });
      } catch (err) {
        say(`  could not list what earlier runs left: ${describeError(err)}`);
        left++;
        continue;
      }
      if (found.length === 0) {
        say('  nothing left by an earlier run');
        continue;
      }
      for (const f of found) {
        const why = f.why ? ` (${f.why})` : '';
        if (!f.remove) {
          say(`  left: ${f.what}${why}: cannot be removed by certconform: ${f.cannotRemove ?? 'no way to'}`);
          left++;
        } else if (!opts.yes || opts.signal?.aborted) {
          say(`  found: ${f.what}${why}`);
          left++;
        } else {
          try {
            await f.remove();
            say(`  removed: ${f.what}`);
          } catch (err) {
            say(`  could not remove: ${f.what}: ${describeError(err)}`);
            left++;
          }
        }
      }
      if (!opts.yes && found.some((f) => f.remove))
        say(`  (certconform cleanup --profile … --yes removes what is marked found)`);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      say(`  cannot connect to ${target.baseUrl}: ${describeError(err)}`);
      left++;
    } finally {
      // Releases what the look itself held (a lock taken to see whether it is free).
      await connection?.close().catch((err: unknown) => {
        say(`  closing the connection: ${describeError(err)}`);
        left++;
      });
      http.close();
    }
  }
  return left ? EXIT.errored : EXIT.ok;
}
