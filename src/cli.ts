import { existsSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { redactWithAll } from './http/redact.ts';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { APIS } from '../suites/index.ts';
import { API_IDS, type AnyApi, type ApiId } from './core/api.ts';
import { UsageError, describeError } from './core/errors.ts';
import { EXIT, STOP_SIGNALS, type StopSignal } from './core/outcome.ts';
import { SELFTEST_PARTS, selftest, type SelftestReport } from './core/selftest.ts';
import { runShard, selftestInProcesses, type SelftestSelection } from './core/selftest-processes.ts';
import { loadDurations, saveDurations } from './core/selftest-durations.ts';
import { availableParallelism } from 'node:os';
import { mockTarget } from './core/targets.ts';
import { writeMockProfile } from './mock/profile-out.ts';
import { mockupTarget, startMockup } from '../mocks/redfish/mockup/index.ts';
import { buildAllureSite } from './report/allure-site.ts';
import { cleanupCommand } from './cleanup.ts';
import { catalogJson, catalogMarkdown } from './report/catalog.ts';
import { replayRecording } from './record/replay.ts';
import { mergeCommand } from './fleet/merge.ts';
import { parseShard, type Shard } from './fleet/shard.ts';
import { DEFAULT_PARALLEL, runConformance, runExitCode, type RunOptions } from './run.ts';
import { planOf, planText } from './plan.ts';
import { AUTH_SCHEMES, hasCommandLineTarget, type CommandLineTarget } from './profile/command-line.ts';
import { initProfile } from './profile/init.ts';
import { TOOL } from './tool.ts';

const print = (...lines: string[]) => {
  for (const l of lines) process.stdout.write(`${l}\n`);
};
const collect = (value: string, previous: string[] = []) => [...previous, value];
const atLeastOne = (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < 1)
    throw new InvalidArgumentError(`must be a whole number of at least 1, got "${v}"`);
  return Number(v);
};

function apiOption() {
  return new Option('--api <id>', `only this API (repeatable): ${API_IDS.join(', ')}`).argParser(
    (value: string, previous: string[] = []) => {
      if (!(API_IDS as readonly string[]).includes(value))
        throw new InvalidArgumentError(`unknown api "${value}" (known: ${API_IDS.join(', ')})`);
      return [...previous, value];
    },
  );
}

/**
 * The options that describe one target on the command line (run, plan, init). Secrets are taken from the
 * environment or a file only: --password and --token are refused (a value on the command line is in the shell's
 * history and every process listing).
 */
function targetOptions(cmd: Command): Command {
  return cmd
    .option('--url <url>', "the target's base URL (a profile-less run: give its API with --api)")
    .option('--user <name>', 'user name (Basic or session auth)')
    .option('--password-env <NAME>', 'read the password from this environment variable')
    .option('--password-file <file>', 'read the password from this file (its first line)')
    .option('--token-env <NAME>', 'read the bearer token from this environment variable')
    .addOption(
      new Option(
        '--auth <scheme>',
        'authentication (default: bearer with --token-env, basic with --user, else none)',
      ).choices(AUTH_SCHEMES),
    )
    .option('--ca <file>', "PEM CA bundle the target's certificate is checked against")
    .option('--insecure', 'accept any certificate of the target (a self-signed lab device)')
    .option('--vendor <vendor>', "selects that vendor's VENDOR rules (e.g. ami); default generic")
    .option('--name <name>', "the target's name in the reports (default: the URL's host)")
    .option(
      '--proxy <url|none>',
      'forward proxy for the target (default: HTTPS_PROXY/NO_PROXY; none: direct)',
    )
    .option(
      '-H, --header <"Name: value">',
      'header sent with every request (repeatable); a ${ENV} value is a secret',
      collect,
    )
    .option('--param <name=value>', 'an API parameter (repeatable; a.b=value for nested ones)', collect)
    .addOption(new Option('--password <value>').hideHelp())
    .addOption(new Option('--token <value>').hideHelp());
}

/** The --url target of the options, or undefined; refuses secrets given as values. */
function commandLineTarget(
  o: CommandLineTarget & { password?: string; token?: string },
): CommandLineTarget | undefined {
  if (o.password !== undefined)
    throw new UsageError(
      '--password: a secret is never taken on the command line (shell history, process list): use --password-env NAME or --password-file FILE',
    );
  if (o.token !== undefined)
    throw new UsageError('--token: a secret is never taken on the command line: use --token-env NAME');
  return hasCommandLineTarget(o) ? o : undefined;
}

function parseCount(flag: string) {
  return (v: string) => {
    if (!/^\d+$/.test(v) || Number(v) < 1)
      throw new InvalidArgumentError(`${flag} must be a whole number of at least 1, got "${v}"`);
    return Number(v);
  };
}

/**
 * The variants and faults of the bundled mocks, one line each: the variants for `mock <api> --variant`, the
 * faults for `--fault` (with `full`, the faults of each API too; the help lists them by count, to stay short).
 */
function mockCatalog(apis: AnyApi[], full = false): string[] {
  const lines: string[] = [];
  const oneLine = (text: string) => {
    const first = text.replace(/\s+/g, ' ').trim();
    return first.length > 110 ? `${first.slice(0, 109)}…` : first;
  };
  for (const api of apis) {
    const variants = Object.entries(api.variants as Record<string, { description: string }>);
    const faults = Object.entries(api.faults as Record<string, { description: string }>);
    lines.push(`${api.id} variants (--variant; default ${api.defaultVariant}):`);
    const width = Math.max(
      ...variants.map(([n]) => n.length),
      ...(full ? faults.map(([n]) => n.length) : [0]),
    );
    for (const [name, v] of variants) lines.push(`  ${name.padEnd(width)}  ${oneLine(v.description)}`);
    if (full) {
      lines.push(`${api.id} faults (--fault, repeatable; each breaks the rules tied to it):`);
      for (const [name, f] of faults) lines.push(`  ${name.padEnd(width)}  ${oneLine(f.description)}`);
    } else lines.push(`  and ${faults.length} faults: certconform mock ${api.id} --list`);
  }
  return lines;
}

function apisFrom(ids: string[] | undefined) {
  return (ids?.length ? ids : API_IDS).map((id) => APIS[id as ApiId]);
}

/**
 * SIGINT, SIGTERM or SIGHUP once: stop after the current rules' cleanups and write the reports (CI systems and
 * timeout(1) send SIGTERM). A second signal: leave now, with the exit code of that signal.
 */
function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  for (const name of Object.keys(STOP_SIGNALS) as StopSignal[]) {
    process.on(name, () => {
      if (controller.signal.aborted) process.exit(STOP_SIGNALS[name]);
      process.stderr.write(
        `\n${name}: releasing what the running rules hold and writing reports (send it again to quit now)\n`,
      );
      controller.abort(name);
    });
  }
  return controller.signal;
}

/** Exits once what was printed has reached stdout and stderr (both may be pipes, written asynchronously). */
function exitWhenFlushed(code: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

function seedArg(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 0xffffffff)
    throw new InvalidArgumentError(`--seed must be an integer from 0 to 4294967295, got "${v}"`);
  return Number(v);
}

/**
 * `mock redfish --from-mockup DIR`: a captured tree served read-only until a stop signal. Its profile says
 * `capture: true`, so a run sends nothing but reads.
 */
async function serveMockup(
  dir: string,
  o: { port?: number; host: string; profileOut?: string },
): Promise<void> {
  const mock = await startMockup(dir, { host: o.host, port: o.port });
  const t = mockupTarget(mock, { name: `mockup-${basename(resolve(dir))}` });
  const say = o.profileOut
    ? (line: string) => process.stderr.write(`${line}\n`)
    : (line: string) => print(line);
  if (o.profileOut) {
    const written = writeMockProfile(o.profileOut, t);
    print(JSON.stringify({ api: 'redfish', mockup: resolve(dir), url: mock.url, ...written }));
  }
  say(`Redfish capture ${resolve(dir)} served read-only on ${mock.url} (GET and HEAD; anything else 405)`);
  say('auth: none needed (any credentials accepted); profile: capture: true, vendor: generic');
  say('Ctrl-C to stop.');
  await new Promise<void>((done) => {
    for (const name of Object.keys(STOP_SIGNALS)) process.once(name, () => done());
  });
  await mock.close();
}

/** The options that choose targets and rules: shared by run and plan. */
interface SelectionOptions extends CommandLineTarget {
  profile?: string[];
  rule?: string[];
  exclude?: string[];
  expectations?: string;
  shard?: Shard;
  password?: string;
  token?: string;
}

function selectionOptions(cmd: Command): Command {
  cmd
    .option(
      '-p, --profile <file>',
      'target profile, YAML or JSON (repeatable: several targets in one run)',
      collect,
    )
    .addOption(apiOption())
    .option(
      '-r, --rule <id|glob>',
      "only rules matching (repeatable), e.g. RF-CSR-*; '!GLOB' excludes",
      (v: string, prev?: string[]) => {
        if (!v.trim()) throw new InvalidArgumentError('must be a rule ID or a glob such as RF-CSR-*, got ""');
        return collect(v, prev);
      },
    )
    .option('-x, --exclude <glob>', 'do not run the rules matching (repeatable), e.g. KF-PFX-*', collect)
    .option('-e, --expectations <file>', 'known-deviations file applied to every target (replaces their own)')
    .option('--allow-destructive', 'run rules that change target state, whatever the profiles say')
    .option(
      '--shard <i/n>',
      'run share i of n: every n-th target from the i-th; with one target, exclusive rules in shard 1 and the read-only rules dealt out (README: "Fleets and CI shards")',
      (v: string) => {
        try {
          return parseShard(v);
        } catch (err) {
          throw new InvalidArgumentError((err as Error).message.replace(/^--shard: /, ''));
        }
      },
    );
  return targetOptions(cmd);
}

function selectionFrom(o: SelectionOptions): Omit<RunOptions, 'print'> {
  const target = commandLineTarget(o);
  return {
    profiles: o.profile ?? [],
    ...(target ? { target } : {}),
    only: o.api as ApiId[] | undefined,
    rules: o.rule,
    ...(o.exclude?.length ? { exclude: o.exclude } : {}),
    expectations: o.expectations,
    allowDestructive: o.allowDestructive,
    ...(o.shard ? { shard: o.shard } : {}),
  };
}

function printPlan(selection: Omit<RunOptions, 'print'>, format: 'text' | 'json'): void {
  const plans = planOf({ ...selection, print });
  if (format === 'json') print(JSON.stringify({ targets: plans }, null, 2));
  else print(...planText(plans));
}

export function buildCli(): Command {
  const program = new Command('certconform')
    .description('Conformance harness for certificate-lifecycle REST APIs')
    .version(TOOL.version)
    .exitOverride();

  const run = selectionOptions(
    program
      .command('run')
      .description(
        'run the suites: against every bundled mock (no --profile), the targets the profiles describe, or the --url target',
      ),
  )
    .option(
      '--max-failures <n>',
      'after n failures the rules not yet started are reported skip (running ones finish, cleanups run)',
      parseCount('--max-failures'),
    )
    .option(
      '--dry-run',
      'print the plan (what would run, skip, change) and exit: nothing is sent to any target',
    )
    .option('-o, --out <dir>', 'report directory (default reports/<timestamp>)')
    .option(
      '--warn-as-failure',
      'a SHOULD violation counts as a failure: exit code 1, JUnit <failure type="warn"> (default: a passing case with the property outcome=warn)',
    )
    .option('--record', 'write a HAR 1.2 recording per target (<target>.har) into the report directory')
    .option(
      '--seed <n>',
      'seed of the values the harness invents (default: random, kept in results.json)',
      seedArg,
    )
    .option(
      '--parallel <n>',
      `targets run at once (default ${DEFAULT_PARALLEL}); requests to one target follow its profile`,
      atLeastOne,
    );
  run.action(
    async (
      o: SelectionOptions & {
        parallel?: number;
        out?: string;
        warnAsFailure?: boolean;
        record?: boolean;
        seed?: number;
        maxFailures?: number;
        dryRun?: boolean;
      },
    ) => {
      const selection = selectionFrom(o);
      if (o.dryRun) {
        printPlan(selection, 'text');
        return;
      }
      const signal = interruptSignal();
      const { exitCode } = await runConformance({
        ...selection,
        ...(o.record ? { record: true } : {}),
        ...(o.seed !== undefined ? { seed: o.seed } : {}),
        out: o.out,
        ...(o.warnAsFailure ? { warnAsFailure: true } : {}),
        ...(o.parallel !== undefined ? { parallel: o.parallel } : {}),
        ...(o.maxFailures !== undefined ? { maxFailures: o.maxFailures } : {}),
        print,
        signal,
      });
      process.exitCode = exitCode;
      // Stopped by a signal: the cleanups ran and the reports are written, so nothing is left to wait for (a
      // request still in flight would hold the process for its timeout, past a container's stop grace).
      if (signal.aborted) exitWhenFlushed(exitCode);
    },
  );

  selectionOptions(
    program
      .command('plan')
      .description(
        'print what a run with these options would do: per target the rules that would run, skip (why) and change; nothing is sent to any target',
      ),
  )
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((o: SelectionOptions & { format: 'text' | 'json' }) => {
      printPlan(selectionFrom(o), o.format);
    });

  targetOptions(
    program
      .command('init')
      .description(
        'write a profile for the --url target (what was given as values, secrets as ${ENV} references, every other field and API parameter as a commented placeholder)',
      )
      .addOption(apiOption())
      .option('--allow-destructive', 'write allowDestructive: true')
      .option('-o, --output <file>', 'the profile file to write (default: print it)')
      .option('--force', 'overwrite an existing --output file'),
  ).action(
    (o: CommandLineTarget & { password?: string; token?: string; output?: string; force?: boolean }) => {
      const target = commandLineTarget(o);
      if (!target?.url) throw new UsageError('init: give the target with --url and --api');
      const text = initProfile(target, APIS);
      if (o.output === undefined) {
        process.stdout.write(text);
        return;
      }
      if (existsSync(o.output) && !o.force)
        throw new UsageError(`--output ${o.output}: exists; --force overwrites it`);
      writeFileSync(o.output, text);
      process.stderr.write(
        `wrote ${resolve(o.output)}: fill in the placeholders it marks REQUIRED, then certconform run --profile ${o.output}\n`,
      );
    },
  );

  program
    .command('mock <api>')
    .description('run a bundled mock standalone until Ctrl-C (--list: its variants and faults)')
    .addHelpText('after', () => `\n${mockCatalog(Object.values(APIS)).join('\n')}`)
    .option('--list', 'list the variants and faults of <api>, one line each, and exit')
    .option('--port <n>', 'port (default: any free port)', (v: string) => {
      if (!/^\d+$/.test(v) || Number(v) > 65535)
        throw new InvalidArgumentError(`must be a port number from 0 to 65535, got "${v}"`);
      return Number(v);
    })
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--variant <name>', 'allowed behaviour variant')
    .option('--fault <name>', 'switch on a named fault (repeatable)', collect)
    .option(
      '--profile-out <file>',
      'write a profile for this mock (and its CA file beside it) for `run --profile`; stdout gets one JSON line',
    )
    .option(
      '--from-mockup <dir>',
      'redfish only: serve a captured Redfish tree read-only (DMTF Mockup Creator or Redfish-Publications layout) instead of the reference mock',
    )
    .action(
      async (
        id: string,
        o: {
          port?: number;
          host: string;
          variant?: string;
          fault?: string[];
          profileOut?: string;
          fromMockup?: string;
          list?: boolean;
        },
      ) => {
        const api = APIS[id as ApiId];
        if (!api) throw new UsageError(`unknown api "${id}" (known: ${API_IDS.join(', ')})`);
        if (o.list) {
          print(...mockCatalog([api], true));
          return;
        }
        if (o.fromMockup !== undefined) {
          if (api.id !== 'redfish') throw new UsageError('--from-mockup: only for the redfish api');
          if (o.variant || o.fault?.length)
            throw new UsageError('--from-mockup serves a capture as it is: no --variant or --fault');
          await serveMockup(o.fromMockup, o);
          return;
        }
        const variant = o.variant ?? api.defaultVariant;
        if (!(variant in api.variants))
          throw new UsageError(
            `--variant: unknown variant "${variant}" (known: ${Object.keys(api.variants).join(', ')})`,
          );
        for (const f of o.fault ?? [])
          if (!(f in api.faults)) throw new UsageError(`--fault: unknown fault "${f}" for ${id}`);
        const mock = await api.startMock({ variant, faults: o.fault ?? [], host: o.host, port: o.port });
        const t = mockTarget(api, variant, mock, `mock-${api.id}-${variant}`);
        // With --profile-out, stdout is for scripts (one JSON line); the words for people go to stderr.
        const say = o.profileOut
          ? (line: string) => process.stderr.write(`${line}\n`)
          : (line: string) => print(line);
        if (o.profileOut) {
          const written = writeMockProfile(o.profileOut, t);
          print(JSON.stringify({ api: api.id, variant, url: mock.url, ...written }));
        }
        say(
          `${api.title} mock (${variant}${o.fault?.length ? `, faults: ${o.fault.join(', ')}` : ''}) listening on ${mock.url}`,
        );
        say(
          `auth: ${t.auth.scheme}${t.auth.username ? ` as ${t.auth.username}` : ''}; accounts: ${Object.keys(t.accounts).join(', ') || 'none'}`,
        );
        say('Ctrl-C to stop.');
        await new Promise<void>((resolve) => {
          for (const name of Object.keys(STOP_SIGNALS)) process.once(name, () => resolve());
        });
        await mock.close();
      },
    );

  program
    .command('replay <recording>')
    .description(
      'serve a recording (a run directory of .har files, or one .har) as the target and rerun its rules: does each verdict reproduce?',
    )
    .action(async (path: string) => {
      const report = await replayRecording(path, { print });
      // Exit 0 when no verdict came out otherwise; the ones a recording cannot reproduce are listed by name.
      process.exitCode = report.differ === 0 ? EXIT.ok : EXIT.failed;
    });

  program
    .command('merge <dirs...>')
    .description(
      'merge the reports of several runs (CI shards) into one results.json, JUnit, summary and report.html',
    )
    .option('-o, --out <dir>', 'report directory (default reports/<timestamp>)')
    .option(
      '--warn-as-failure',
      'a SHOULD violation counts as a failure: exit code 1, JUnit <failure type="warn">',
    )
    .action((dirs: string[], o: { out?: string; warnAsFailure?: boolean }) => {
      const { run, outDir } = mergeCommand({
        dirs,
        out: o.out,
        ...(o.warnAsFailure ? { warnAsFailure: true } : {}),
      });
      print(
        `merged ${dirs.length} run(s): ${run.targets.length} target(s), ${run.results.length} results${run.incomplete ? ` (incomplete: ${run.incomplete})` : ''}`,
        `Reports: ${outDir} (results.json, junit.xml, summary.md, report.html, allure-results/)`,
      );
      process.exitCode = runExitCode(run.summary, run.residue.length, o.warnAsFailure);
    });

  program
    .command('cleanup')
    .description(
      'list what earlier runs left on the targets (scratch objects named certconform-…, a configuration lock another session holds); with --yes remove it',
    )
    .option('-p, --profile <file>', 'target profile (repeatable)', collect)
    .option('--yes', 'remove what was found (needs allowDestructive in the profile, or --allow-destructive)')
    .option('--allow-destructive', 'allow the removal whatever the profiles say')
    .action(async (o: { profile?: string[]; yes?: boolean; allowDestructive?: boolean }) => {
      const signal = interruptSignal();
      const code = await cleanupCommand({
        profiles: o.profile ?? [],
        ...(o.yes ? { yes: true } : {}),
        ...(o.allowDestructive ? { allowDestructive: true } : {}),
        print,
        signal,
      });
      process.exitCode = signal.aborted ? STOP_SIGNALS[signal.reason as StopSignal] : code;
      if (signal.aborted) exitWhenFlushed(process.exitCode);
    });

  program
    .command('report <run-dir>')
    .description('build the Allure HTML site of a run offline (allure-report/index.html, one file)')
    .action(async (dir: string) => {
      print(`Allure report: ${await buildAllureSite(dir)}`);
    });

  program
    .command('rules')
    .description('print the rule catalog with citations')
    .addOption(apiOption())
    .addOption(
      new Option('--format <format>', 'output format').choices(['markdown', 'json']).default('markdown'),
    )
    .action((o: { api?: string[]; format: 'markdown' | 'json' }) => {
      const apis = apisFrom(o.api);
      process.stdout.write(o.format === 'json' ? catalogJson(apis) : catalogMarkdown(apis));
    });

  program
    .command('selftest')
    .description(
      'prove the suites: every variant clean, every fault caught by its rules only, no false verdict under transport trouble, wrong credentials or concurrency',
    )
    .addOption(apiOption())
    .option('--fault <name>', 'only this fault (repeatable)', collect)
    .option(
      '--hostile',
      'only the hostile modes (garbage, truncated, HTML 500, resets, no answer, slow answers)',
    )
    .option('--seed <n>', 'which requests the hostile modes hit', (v: string) => {
      if (!/^\d+$/.test(v))
        throw new InvalidArgumentError(`--seed must be a non-negative integer, got "${v}"`);
      return Number(v);
    })
    .option(
      '--processes <n>',
      'how many processes share the checks (default: one per core, at most 4)',
      atLeastOne,
    )
    .addOption(new Option('--shard <i/n>').argParser(parseShard).hideHelp())
    .action(
      async (o: {
        api?: string[];
        fault?: string[];
        hostile?: boolean;
        seed?: number;
        processes?: number;
        shard?: Shard;
      }) => {
        const apis = apisFrom(o.api);
        for (const f of o.fault ?? []) {
          if (!apis.some((api) => f in api.faults))
            throw new UsageError(`--fault ${f}: no such fault in ${apis.map((a) => a.id).join(', ')}`);
        }
        const selection: SelftestSelection = {
          parts: o.hostile ? ['hostile'] : o.fault?.length ? ['variants', 'faults'] : [...SELFTEST_PARTS],
          ...(o.fault ? { faults: o.fault } : {}),
          ...(o.seed !== undefined ? { seed: o.seed } : {}),
        };
        // A share of a parent's self-test: JSON lines for the parent, which judges.
        if (o.shard) return runShard(apis, selection, o.shard);

        const started = Date.now();
        const processes = o.processes ?? Math.min(4, availableParallelism());
        for (const api of apis)
          print(
            `${api.title} (${api.id}): ${api.rules.length} rules, ${Object.keys(api.faults).length} faults, ${Object.keys(api.variants).length} variants`,
          );
        print(`(${processes} process${processes > 1 ? 'es share' : ' runs'} the checks)`, '');
        const onProgress = (api: string, line: string) => print(`  ${api}: ${line}`);
        const reports =
          processes > 1
            ? await selftestInProcesses(apis, selection, processes, onProgress)
            : await selftestHere(apis, selection, onProgress);
        saveDurations(reports);
        print('');
        for (const report of reports) printSelftestScore(APIS[report.api as ApiId], report);
        const ok = reports.every((r) => r.ok);
        print('', `selftest: ${ok ? 'OK' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        process.exitCode = ok ? EXIT.ok : EXIT.failed;
      },
    );

  return program;
}

/** The self-test in this process, one API after the other. */
async function selftestHere(
  apis: AnyApi[],
  selection: SelftestSelection,
  onProgress: (api: string, line: string) => void,
): Promise<SelftestReport[]> {
  const reports: SelftestReport[] = [];
  const durations = loadDurations();
  for (const api of apis) {
    const faults = selection.faults?.filter((f) => f in api.faults);
    if (selection.faults?.length && !faults?.length) continue;
    reports.push(
      await selftest(api, {
        parts: selection.parts,
        ...(faults ? { faults } : {}),
        ...(selection.seed !== undefined ? { seed: selection.seed } : {}),
        durations,
        onProgress: (line) => onProgress(api.id, line),
      }),
    );
  }
  return reports;
}

/** An API's problems and score: only the parts that ran (a --hostile run has no variants or faults to score). */
function printSelftestScore(api: AnyApi, report: SelftestReport): void {
  print(`${api.title} (${api.id}):`);
  for (const v of report.variants) for (const p of v.problems) print(`  [${v.variant}] ${p}`);
  for (const f of report.faults) if (!f.caught && f.problems.length === 0) print(`  [${f.fault}] not caught`);
  for (const f of report.faults) for (const p of f.problems) print(`  [${f.fault}] ${p}`);
  for (const h of report.hostile) for (const p of h.problems) print(`  [hostile ${h.mode}] ${p}`);
  for (const e of report.extra) for (const p of e.problems) print(`  [${e.check}] ${p}`);
  for (const c of report.coverage) print(`  coverage: ${c}`);
  const caught = report.faults.filter((f) => f.caught && f.problems.length === 0).length;
  const clean = report.variants.filter((v) => v.problems.length === 0).length;
  const calm = report.hostile.filter((h) => h.problems.length === 0).length;
  const score = [
    report.faults.length ? `${caught}/${report.faults.length} faults caught cleanly` : '',
    report.variants.length ? `${clean}/${report.variants.length} variants clean` : '',
    report.hostile.length ? `${calm}/${report.hostile.length} hostile modes without a false verdict` : '',
    ...report.extra.map((e) => `${e.check}: ${e.problems.length ? `${e.problems.length} problem(s)` : 'ok'}`),
    `${report.coverage.length} coverage gaps`,
  ].filter(Boolean);
  print(`  score: ${score.join(', ')}`);
}

export async function main(argv = process.argv): Promise<void> {
  // `certconform rules | head`: a closed pipe is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  try {
    await buildCli().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`certconform: ${err.message}\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    // The machine, not the harness: one line (the reports written so far stay on disk, each file whole).
    const code = (err as NodeJS.ErrnoException)?.code;
    if (code === 'ENOSPC' || code === 'EACCES' || code === 'EROFS' || code === 'EDQUOT') {
      process.stderr.write(`certconform: cannot write: ${describeError(err)}\n`);
      process.exitCode = EXIT.errored;
      return;
    }
    // A harness bug: its message and stack may quote a device's answer, so every redactor of the run masks it.
    process.stderr.write(
      redactWithAll(`certconform: internal error: ${describeError(err)}\n${(err as Error)?.stack ?? ''}\n`),
    );
    process.exitCode = EXIT.errored;
  }
}
