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
  /** Runs after the rule whatever its outcome, and on interrupt: release locks, delete what was created. */
  cleanup(fn: () => Promise<void> | void): void;
  /** Memoised per target: expensive setups shared by several rules (their evidence is copied to each). */
  shared<T>(key: string, fn: () => Promise<T>): Promise<T>;
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
  /** Mock faults that must make this rule fail (proved by the self-test). */
  faults: readonly F[];
  check(t: RuleRun<Ctx>): Promise<void>;
}

export interface FaultSpec<V extends string> {
  description: string;
  /** Variant the self-test applies the fault to (default: the API's default variant). */
  variant?: V;
}

export interface VariantSpec {
  description: string;
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
  tls: { ca?: string; insecure?: boolean; cert?: string; key?: string; passphrase?: string };
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
}

export interface Connection<Ctx, C extends string> {
  ctx: Ctx;
  /** true when present; otherwise the reason it is absent (shown in the skip). */
  capability(cap: C, t: RuleRun<Ctx>): Promise<true | string>;
  close(): Promise<void>;
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
}

export interface RunningMock {
  url: string;
  close(): Promise<void>;
}

export interface ApiDefinition<Ctx, S extends string, F extends string, V extends string, C extends string> {
  id: ApiId;
  title: string;
  rulePrefix: 'RF' | 'CZ' | 'KF' | 'SBC';
  sources: Record<S, SourceInfo>;
  capabilities: Record<C, string>;
  faults: Record<F, FaultSpec<V>>;
  variants: Record<V, VariantSpec>;
  defaultVariant: V;
  rules: readonly Rule<Ctx, S, F, C>[];
  /** JSON Schema for the profile's `params` (API resource IDs, names, etc.). */
  paramsSchema: Record<string, unknown>;
  /** Names allowed under the profile's `accounts` (e.g. readOnly, operator). */
  accountRoles: readonly string[];
  /** Documentation statements deliberately not tested, with the reason (shown in the catalog). */
  notTested: readonly { statement: string; reason: string }[];
  startMock(opts: MockOptions<F, V>): Promise<RunningMock>;
  /** The target a started mock of this variant represents (auth, accounts, params, TLS trust). */
  mockTarget(
    variant: V,
    mock: RunningMock,
  ): Omit<Target, 'name' | 'api' | 'timeouts' | 'concurrency' | 'allowDestructive'> & {
    /** A mock whose asynchronous operations finish in milliseconds may shorten the operation timeout. */
    timeouts?: Target['timeouts'];
  };
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
