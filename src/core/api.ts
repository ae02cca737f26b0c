import type { HttpClient } from '../http/client.ts';
import type { Redactor } from '../http/redact.ts';
import type { Level } from './outcome.ts';

/** The four APIs certconform knows. Adding one is adding it here and to suites/index.ts. */
export const API_IDS = ['redfish', 'czertainly', 'keyfactor', 'oracle-sbc'] as const;
export type ApiId = (typeof API_IDS)[number];

export interface SourceInfo {
  title: string;
  version?: string;
  url?: string;
  /** Path of the pinned copy under specs/, when there is one. */
  local?: string;
}

export interface Citation<S extends string> {
  source: S;
  /** Most stable locator available: JSON pointer, operation, section number and heading. */
  section: string;
  /** The short verbatim sentence the rule encodes. */
  quote: string;
}

/** What a rule's check sees. */
export interface RuleRun<Ctx> {
  readonly ctx: Ctx;
  readonly target: Target;
  readonly ruleId: string;
  /** Registers a value that must be masked in every report (e.g. a ChallengePassword the rule sends). */
  secret(value: string): void;
  /**
   * Registers the undoing of a change *before* making it (a lock that may be taken, an object that may be
   * created): runs after the rule whatever its outcome, and on interrupt, last registered first, retried with
   * backoff. `what` names the change; what cannot be undone is reported as residue. An undo must succeed
   * when the change never happened (e.g. release a lock that is not held, delete a record that is absent).
   */
  cleanup(what: string, fn: () => Promise<void> | void): void;
  /**
   * A setup the rule needs but does not judge (a helper lookup, a scratch object): a Violation inside becomes
   * `error` "precondition <name> failed: …", so a broken setup never reads as the device failing this rule.
   */
  setup<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /**
   * Memoised per target: an expensive setup shared by several rules (its evidence is copied to each). It is a
   * precondition for every rule but its `owner`, the rule whose requirement it is: only that rule can fail by it.
   * With `retryAfterFailure` a failed setup is run again by the next rule that asks (one lost answer must not
   * turn every later rule into an error): only for setups that change nothing on the device, like discovery.
   */
  shared<T>(
    key: string,
    fn: () => Promise<T>,
    opts?: { owner?: string; retryAfterFailure?: boolean },
  ): Promise<T>;
  /** A line of context for the report, e.g. which certificate was used. */
  note(text: string): void;
}

export interface Rule<Ctx, S extends string, F extends string, C extends string> {
  /** Stable, never reused: RF-, CZ-, KF-, SBC- prefix. */
  id: string;
  /** One sentence saying what a conforming target does. */
  title: string;
  level: Level;
  cite: Citation<S>;
  /** VENDOR rules: the vendor whose documentation the rule encodes; other vendors skip it. */
  vendor?: string;
  /** Changes target state (keys, certificates, configuration); skipped unless the profile allows it. */
  destructive?: boolean;
  /** Capabilities the target must have; without one the rule is skipped with the reason. */
  requires?: readonly C[];
  /**
   * `none`: the rule uses no credentials of the profile (it tests unauthenticated access, or logs in itself),
   * so it still runs when the target rejected them. Default: it needs the main account.
   */
  auth?: 'none';
  /**
   * The rule only reads state no other rule changes, so it may overlap with other such rules when the profile
   * sets concurrency > 1. Default: the rule runs alone.
   */
  parallelSafe?: boolean;
  /**
   * A 5xx answer is a finding of this rule (e.g. "an unknown record is refused with a 4xx"), so a Violation
   * stands even when the target answered 5xx. By default a 5xx seen during a rule means the target could not
   * process the request: the rule's requirement was not evaluated (`error`). Such a rule re-sends the request
   * once before judging (see `confirmServerError`), so a transient error page is not a finding.
   */
  judgesServerErrors?: boolean;
  /** Mock faults that must make this rule fail (proved by the self-test). */
  faults: readonly F[];
  check(t: RuleRun<Ctx>): Promise<void>;
}

export interface FaultSpec<V extends string> {
  description: string;
  /** Variant the self-test applies the fault to (default: the API's default variant). */
  variant?: V;
}

export interface VariantSpec<C extends string = string> {
  description: string;
  /**
   * Capabilities this variant has. The self-test fails when a rule that needs only these skips on it for a
   * missing capability (a suite that cannot find what the device has would pass it silently).
   */
  capabilities?: readonly C[];
  /** Vendor this variant models; VENDOR rules of other vendors are skipped on it. */
  vendor: string;
  /** Bundled expectations file (documented vendor deviations), relative to the repo root. */
  expectations?: string;
}

export interface Account {
  username: string;
  password?: string;
  token?: string;
}

/** A fully resolved target: a profile after env substitution and file loading, or a started mock. */
export interface Target {
  name: string;
  api: ApiId;
  baseUrl: string;
  vendor: string;
  /** Shown in reports when the profile says so. */
  model?: string;
  firmware?: string;
  tls: { ca?: string; insecure?: boolean; cert?: string; key?: string; passphrase?: string };
  /** Forward proxy URL, or "none" (direct whatever the environment says); default: HTTPS_PROXY/NO_PROXY. */
  proxy?: string;
  /** Headers added to every request (a gateway's); values given as ${ENV} are secrets. */
  headers?: Record<string, string>;
  auth: {
    scheme: 'none' | 'basic' | 'session' | 'bearer' | 'client-cert';
    username?: string;
    password?: string;
    token?: string;
  };
  accounts: Record<string, Account>;
  params: Record<string, unknown>;
  allowDestructive: boolean;
  timeouts: { requestMs: number; operationMs: number; ruleMs: number };
  concurrency: number;
  expectations?: string;
  /** Set when the target is a bundled mock: its variant. */
  mockVariant?: string;
  /**
   * The target is a read-only capture of a device (a DMTF mockup served by `mock redfish --from-mockup`): it
   * answers reads only, so every rule that must send anything else skips, saying so.
   */
  capture?: boolean;
}

export interface Connection<Ctx, C extends string> {
  ctx: Ctx;
  /**
   * Set when the target rejected the main account's credentials (or the login could not be completed): one
   * line, e.g. "credentials for admin were rejected by https://bmc: 401". Rules that need them end as `error`;
   * rules with `auth: 'none'` still run.
   */
  authFailure?: string;
  /** true when present; otherwise the reason it is absent (shown in the skip). */
  capability(cap: C, t: RuleRun<Ctx>): Promise<true | string>;
  /**
   * What earlier runs of the harness left on the device (a run stopped before its cleanups: SIGKILL, a second
   * Ctrl-C, a lost connection), found by the names the suite gives its scratch objects (`SCRATCH_PREFIX`). Reads
   * only, unless `cleanup` is set (`certconform cleanup`): then it may also look into states that block a run
   * (e.g. a configuration lock, probed with a refused unlock). Each item says how to remove it, when it can be.
   */
  earlierResidue?(opts: { cleanup?: boolean }): Promise<FoundResidue[]>;
  close(): Promise<void>;
}

/** Something on a device that an earlier run left, or a state of the device that blocks a run. */
export interface FoundResidue {
  /** For people, naming the object: 'certificate-record "certconform-test-rec"'. */
  what: string;
  /** Why it is there or what else to know, when not the default "left by an earlier run …". */
  why?: string;
  /** Removes it (`certconform cleanup --yes`); throws when it could not. Absent: the harness cannot remove it. */
  remove?(): Promise<void>;
  /** Why it cannot be removed, and what frees it (e.g. when a lock expires); set when `remove` is absent. */
  cannotRemove?: string;
}

export interface ConnectArgs {
  target: Target;
  redactor: Redactor;
  /** A client for the target's base URL with TLS, timeout and retry options already applied. */
  http: HttpClient;
}

export interface MockOptions<F extends string, V extends string> {
  variant: V;
  faults: readonly F[];
  host?: string;
  port?: number;
  /** Transport trouble the mock makes on some requests (self-test of error attribution). */
  hostile?: HostileOptions;
}

export const HOSTILE_MODES = [
  'garbage-body',
  'truncated-body',
  'html-500',
  'reset-before',
  'reset-after',
  'no-answer',
  'slow',
] as const;
export type HostileMode = (typeof HOSTILE_MODES)[number];

export interface HostileOptions {
  mode: HostileMode;
  /** Which requests are hit: every `every`-th, starting at an offset drawn from the seed. */
  seed: number;
  every?: number;
  /** The first requests are never hit (so a login gets through and the rules themselves meet the trouble). */
  spare?: number;
}

export interface RunningMock {
  url: string;
  close(): Promise<void>;
  /**
   * What a run left on the mock that the harness was responsible for undoing (a held lock, a scratch record
   * the harness created), one line each. Empty when the device is as the run found it.
   */
  residue?(): string[] | Promise<string[]>;
  /** How many requests the hostile layer has hit, when it is on. */
  hostileHits?(): number;
}

export interface ApiDefinition<Ctx, S extends string, F extends string, V extends string, C extends string> {
  id: ApiId;
  title: string;
  rulePrefix: 'RF' | 'CZ' | 'KF' | 'SBC';
  sources: Record<S, SourceInfo>;
  capabilities: Record<C, string>;
  /**
   * How a target's headline names a capability it lacks ("Rekey" gives "Rekey: not offered by this service …");
   * the capability's ID otherwise. The headline's text after the name is the probe's reason.
   */
  capabilityNames?: Partial<Record<C, string>>;
  faults: Record<F, FaultSpec<V>>;
  variants: Record<V, VariantSpec<C>>;
  defaultVariant: V;
  rules: readonly Rule<Ctx, S, F, C>[];
  /** JSON Schema for the profile's `params` (API resource IDs, names, etc.). */
  paramsSchema: Record<string, unknown>;
  /** Names allowed under the profile's `accounts` (e.g. readOnly, operator). */
  accountRoles: readonly string[];
  /** Documentation statements deliberately not tested, with the reason (shown in the catalog). */
  notTested: readonly { statement: string; reason: string }[];
  /** Rule IDs taken out of use, with why: never given to another rule (the catalog test checks). */
  retired?: Readonly<Record<string, string>>;
  startMock(opts: MockOptions<F, V>): Promise<RunningMock>;
  /** The target a started mock of this variant represents (auth, accounts, params, TLS trust). */
  mockTarget(
    variant: V,
    mock: RunningMock,
  ): Omit<Target, 'name' | 'api' | 'timeouts' | 'concurrency' | 'allowDestructive'> & {
    /** A mock whose asynchronous operations finish in milliseconds may shorten the operation timeout. */
    timeouts?: Target['timeouts'];
  };
  /**
   * Work done once per run before any target is contacted (e.g. compiling schemas), so that no long
   * synchronous step runs while a connection to a device sits idle.
   */
  prepare?(): Promise<void> | void;
  connect(args: ConnectArgs): Promise<Connection<Ctx, C>>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyApi = ApiDefinition<any, string, string, string, string>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRule = Rule<any, string, string, string>;

/** Identity helpers that keep each API's vocabularies (sources, faults, capabilities) checked by the compiler. */
export function defineApi<Ctx, S extends string, F extends string, V extends string, C extends string>(
  api: ApiDefinition<Ctx, S, F, V, C>,
): ApiDefinition<Ctx, S, F, V, C> {
  return api;
}

export function ruleFactory<Ctx, S extends string, F extends string, C extends string>() {
  return (rule: Rule<Ctx, S, F, C>): Rule<Ctx, S, F, C> => rule;
}
