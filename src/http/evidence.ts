import { AsyncLocalStorage } from 'node:async_hooks';
import type { ClientHooks } from './client.ts';

/** One exchange with the target, as shown in reports. Bodies are short, redacted excerpts. */
export interface Evidence {
  method: string;
  url: string;
  /** HTTP status, or null when no response arrived (see `error`). */
  status: number | null;
  durationMs: number;
  request?: string;
  response?: string;
  error?: string;
  /** Set when the request was sent a second time on a fresh connection (a stale keep-alive socket). */
  retried?: string;
  /** Set when this answer (a 503 with Retry-After) was replaced by a retry: it is not the answer judged. */
  superseded?: boolean;
}

/** Rules run inside a recording scope; every request made in it (by the rule or by shared helpers) lands there. */
const scope = new AsyncLocalStorage<Evidence[]>();

export function recordEvidence<T>(sink: Evidence[], fn: () => Promise<T>): Promise<T> {
  return scope.run(sink, fn);
}

export function currentEvidence(): Evidence[] | undefined {
  return scope.getStore();
}

export const EXCERPT_CHARS = 600;

export function excerpt(text: string): string {
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}… (${text.length} chars)` : text;
}

/** Which rule of which target is running: the HAR `_rule` of each exchange and the stream of seeded values. */
export interface RuleScope {
  target: string;
  /** The rule ID, or "(connection)" for connecting and closing the session. */
  rule: string;
  /** Recording or replaying: applies to every client the rule uses, a suite's own ones too. */
  client?: ClientHooks;
}

const ruleScope = new AsyncLocalStorage<RuleScope>();

export function withRule<T>(
  target: string,
  rule: string,
  fn: () => Promise<T>,
  client?: ClientHooks,
): Promise<T> {
  return ruleScope.run({ target, rule, ...(client ? { client } : {}) }, fn);
}

export function currentRule(): RuleScope | undefined {
  return ruleScope.getStore();
}
