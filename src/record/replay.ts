import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APIS } from '../../suites/index.ts';
import type { AnyApi, ApiId, Target } from '../core/api.ts';
import { runTarget, type RuleResult } from '../core/engine.ts';
import { UsageError } from '../core/errors.ts';
import type { Status } from '../core/outcome.ts';
import { setHarnessSeed, targetClocks } from '../core/random.ts';
import { Redactor } from '../http/redact.ts';
import { ARCHIVE_MASK, validateHar, type Har, type RecordingInfo } from './har.ts';
import { pathOf, safeOrigin, startReplayServer, type ReplayServer } from './server.ts';

/** The recordings in a run directory (every *.har) or one HAR file, each checked to be valid HAR 1.2. */
export function loadRecordings(path: string): Array<{ file: string; har: Har }> {
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((f) => f.endsWith('.har'))
          .sort()
          .map((f) => join(path, f))
      : [path];
  } catch (err) {
    throw new UsageError(`replay: cannot read ${path}: ${(err as Error).message}`);
  }
  if (files.length === 0) throw new UsageError(`replay: no .har file in ${path} (record with run --record)`);
  return files.map((file) => {
    let har: Har;
    try {
      har = JSON.parse(readFileSync(file, 'utf8')) as Har;
    } catch (err) {
      throw new UsageError(`replay: ${file} is not JSON: ${(err as Error).message}`);
    }
    const problems = validateHar(har);
    if (problems.length) throw new UsageError(`replay: ${file} is not valid HAR 1.2: ${problems[0]}`);
    if (!har.log._certconform)
      throw new UsageError(`replay: ${file} is not a certconform recording (no log._certconform)`);
    return { file, har };
  });
}

/** The credentials a replayed target sends: the recording holds none, and the replay server checks none. */
export const REPLAY_SECRET = 'certconform-replay-placeholder';

function replayTarget(info: RecordingInfo, server: ReplayServer, rewrite: (s: string) => string): Target {
  const t = info.target;
  const recorded = new URL(t.baseUrl);
  const base = new URL(recorded.pathname + recorded.search, server.url).href.replace(/\/$/, '');
  const secret = (has: boolean | undefined) => (has ? REPLAY_SECRET : undefined);
  const creds = (a: { password?: boolean; token?: boolean }) => ({
    ...(a.password ? { password: secret(a.password) } : {}),
    ...(a.token ? { token: secret(a.token) } : {}),
  });
  return {
    name: t.name,
    api: t.api,
    baseUrl: t.baseUrl.endsWith('/') ? `${base}/` : base,
    // The replay server is on this machine: no proxy of the environment leads there.
    proxy: 'none',
    vendor: t.vendor,
    tls: {
      ...(server.ca ? { ca: server.ca } : {}),
      ...(t.clientCert && server.clientCert ? server.clientCert : {}),
    },
    auth: {
      scheme: t.auth.scheme,
      ...(t.auth.username ? { username: t.auth.username } : {}),
      ...creds(t.auth),
    },
    accounts: Object.fromEntries(
      Object.entries(t.accounts).map(([role, a]) => [role, { username: a.username, ...creds(a) }]),
    ),
    // Parameters may name other origins of the device (a plain-HTTP listener): their replay servers.
    params: {
      ...(JSON.parse(rewrite(JSON.stringify(t.params))) as Record<string, unknown>),
      ...files(t.files),
    },
    allowDestructive: t.allowDestructive,
    timeouts: t.timeouts,
    // One rule at a time: a shared setup is then made by the first rule in order, as it was when recorded.
    concurrency: 1,
    ...(t.mockVariant ? { mockVariant: t.mockVariant } : {}),
  };
}

const scratch: string[] = [];

/** The files the recorded parameters named, written to a scratch directory: parameter → its path there. */
function files(recorded: Record<string, string> | undefined): Record<string, string> {
  if (!recorded) return {};
  const dir = mkdtempSync(join(tmpdir(), 'certconform-replay-'));
  scratch.push(dir);
  return Object.fromEntries(
    Object.entries(recorded).map(([key, text]) => {
      const file = join(dir, key);
      writeFileSync(file, text);
      return [key, file];
    }),
  );
}

/** A verdict as recorded, without the expectations file of the recorded run (a replay applies none). */
function rawStatus(r: { status: Status; level: string }): Status {
  if (r.status === 'xfail') return r.level === 'SHOULD' ? 'warn' : 'fail';
  if (r.status === 'xpass') return 'pass';
  return r.status;
}

export interface RuleReplay {
  target: string;
  rule: string;
  recorded: Status;
  replayed?: Status;
  /** Set when the verdict could not be reproduced from the recording, with why. */
  notReproducible?: string;
  message?: string;
}

export interface ReplayReport {
  rules: RuleReplay[];
  reproduced: number;
  /** Verdicts a recording cannot reproduce, for a stated reason (listed, never counted as reproduced). */
  notReproducible: number;
  /** Verdicts that came out otherwise: the recording and the rules disagree. */
  differ: number;
  total: number;
}

/**
 * Reruns the recorded rules with the recorded seed and clock against a server that plays the recording back,
 * and compares each verdict with the recorded one.
 */
export async function replayRecording(
  path: string,
  opts: { print: (...lines: string[]) => void; apis?: Record<string, AnyApi> },
): Promise<ReplayReport> {
  const apis = opts.apis ?? APIS;
  const recordings = loadRecordings(path);
  const rules: RuleReplay[] = [];
  for (const { file, har } of recordings) {
    const info = har.log._certconform;
    const api = apis[info.target.api as ApiId];
    if (!api) throw new UsageError(`replay: ${file}: unknown api "${info.target.api}"`);
    const redactor = new Redactor();
    redactor.add(REPLAY_SECRET);
    // One server per origin the recording talked to (the main one first): each answers its own exchanges.
    const main = safeOrigin(info.target.baseUrl) ?? '';
    const origins = [...new Set([main, ...har.log.entries.map((e) => safeOrigin(e.request.url) ?? main)])];
    const servers = new Map<string, ReplayServer>();
    // In one pass: a replay server's address may be another recorded origin.
    const rewrite = (s: string) => {
      if (!servers.size) return s;
      const any = new RegExp(
        [...servers.keys()].map((o) => o.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
        'g',
      );
      return s.replace(any, (o) => servers.get(o)?.url ?? o);
    };
    for (const origin of origins)
      servers.set(
        origin,
        await startReplayServer(har, { origin, redactor, rewrite, target: info.target.name }),
      );
    const server = servers.get(main)!;
    opts.print(
      `${info.target.name} (${api.id}): replaying ${har.log.entries.length} exchanges, seed ${info.seed}`,
    );
    try {
      const target = replayTarget(info, server, rewrite);
      const byId = new Map(api.rules.map((r) => [r.id, r]));
      const known = info.results.filter((r) => byId.has(r.rule));
      for (const r of info.results)
        if (!byId.has(r.rule))
          rules.push({
            target: info.target.name,
            rule: r.rule,
            recorded: rawStatus(r),
            notReproducible: 'the rule no longer exists',
          });
      setHarnessSeed(info.seed, Date.parse(info.epoch), targetClocks(info.target.name, info.clocks ?? {}));
      const results = new Map<string, RuleResult>();
      const peers = [...(info.peerCertificates ?? [])];
      const replayPeerCertificate = (rule: string | undefined) => {
        const i = peers.findIndex((p) => p.rule === (rule ?? '(connection)'));
        if (i < 0) return undefined;
        const [p] = peers.splice(i, 1);
        return {
          raw: Buffer.from(p!.der, 'base64'),
          ...(p!.subjectaltname ? { subjectaltname: p!.subjectaltname } : {}),
        };
      };
      await runTarget({
        api,
        target,
        rules: known.map((r) => byId.get(r.rule)!),
        redactor,
        client: { replay: true, replayPeerCertificate },
        onResult: (r) => results.set(r.rule, r),
      });
      for (const r of known) {
        const now = results.get(r.rule);
        const recorded = rawStatus(r);
        const entry: RuleReplay = {
          target: info.target.name,
          rule: r.rule,
          recorded,
          ...(now ? { replayed: now.status } : {}),
        };
        if (now && now.status !== recorded) {
          const fresh = info.unseeded?.[r.rule];
          const why = fresh ? `it sends ${fresh}, not drawn from the seed` : notReproducible(har, r.entries);
          if (why) entry.notReproducible = why;
          entry.message = now.message ?? now.reason ?? '';
        }
        rules.push(entry);
      }
      const mine = rules.filter((r) => r.target === info.target.name);
      for (const r of mine) opts.print(`  ${verdictLine(r)}`);
      opts.print(`  ${info.target.name}: ${scoreLine(mine)}`);
    } finally {
      await Promise.all([...servers.values()].map((s) => s.close()));
      for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
    }
  }
  const unreproducible = rules.filter((r) => r.replayed !== r.recorded && r.notReproducible);
  if (unreproducible.length) {
    opts.print('', `not reproducible from a recording (${unreproducible.length}):`);
    for (const r of unreproducible) opts.print(`  ${r.target} ${r.rule}: ${r.notReproducible}`);
  }
  opts.print('', scoreLine(rules));
  const { reproduced, differ } = score(rules);
  return { rules, reproduced, notReproducible: unreproducible.length, differ, total: rules.length };
}

function verdictLine(r: RuleReplay): string {
  if (r.replayed === r.recorded) return `OK    ${r.rule}: ${r.recorded}`;
  if (r.notReproducible)
    return `NOT REPRODUCIBLE  ${r.rule}: recorded ${r.recorded}, replayed ${r.replayed ?? 'nothing'}: ${r.notReproducible}`;
  return `DIFF  ${r.rule}: recorded ${r.recorded}, replayed ${r.replayed ?? 'nothing'}${r.message ? ` (${r.message})` : ''}`;
}

/**
 * Why a rule's recording cannot reproduce its verdict, when the reason is known: its answers were cut off or
 * lost (the replay can break a connection off but not reproduce a timing), or they carried secrets the recording
 * had to redact and the rule judged (a private key, a token).
 */
function notReproducible(har: Har, seen: readonly number[]): string | undefined {
  const entries = seen.map((i) => har.log.entries[i]!).filter(Boolean);
  const lost = entries.find((e) => e.response._error);
  if (lost)
    return `an answer was lost in the recording (${lost.response._error}); its timing is not replayed`;
  for (const e of entries) {
    const text = e.response.content.text ?? '';
    const field = /"([^"]{1,40})"\s*:\s*"\*\*\*"/.exec(text)?.[1];
    const what = text.includes('[redacted private key]')
      ? 'a private key'
      : text.includes(ARCHIVE_MASK)
        ? 'a PKCS#12 archive no known password opens'
        : text.startsWith('[redacted binary body')
          ? 'binary data holding a secret'
          : field
            ? `"${field}"`
            : text.includes('***')
              ? 'a masked secret inside the answer'
              : undefined;
    if (what)
      return `the answer to ${e.request.method} ${pathOf(e.request.url)} held a secret the recording redacts (${what})`;
  }
  return undefined;
}

function score(list: readonly RuleReplay[]): { reproduced: number; unreproducible: number; differ: number } {
  const reproduced = list.filter((r) => r.replayed === r.recorded).length;
  const unreproducible = list.filter((r) => r.replayed !== r.recorded && r.notReproducible).length;
  return { reproduced, unreproducible, differ: list.length - reproduced - unreproducible };
}

/** "N/M verdicts reproduced", and how many could not be or came out otherwise. */
function scoreLine(list: readonly RuleReplay[]): string {
  const { reproduced, unreproducible, differ } = score(list);
  return (
    `${reproduced}/${list.length} verdicts reproduced` +
    (unreproducible ? `, ${unreproducible} not reproducible` : '') +
    (differ ? `, ${differ} DIFFERENT` : '')
  );
}
