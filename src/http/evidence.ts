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
  /**
   * Made by a setup several rules share (discovery, a shared Rekey sweep), copied into each rule that used it:
   * reports list these after the rule's own exchanges.
   */
  shared?: boolean;
}

/** Rules run inside a recording scope; every request made in it (by the rule or by shared helpers) lands there. */
const scope = new AsyncLocalStorage<Evidence[]>();

export function recordEvidence<T>(sink: Evidence[], fn: () => Promise<T>): Promise<T> {
  return scope.run(sink, fn);
}

export function currentEvidence(): Evidence[] | undefined {
  return scope.getStore();
}

/**
 * Sets `record[field]` to the excerpt `make` returns, made when first read: most exchanges belong to rules that
 * pass, whose evidence is dropped unread, and redacting every body as it arrives cost a fifth of a run's CPU.
 * Reading it later is no weaker: the redactor only learns more secrets as the run goes on.
 */
export function lazyExcerpt(record: Evidence, field: 'request' | 'response', make: () => string): void {
  let value: string | undefined;
  Object.defineProperty(record, field, {
    enumerable: true,
    configurable: true,
    get: () => (value ??= make()),
    set: (v: string) => {
      value = v;
    },
  });
}

/** How much of a body evidence keeps: enough for a whole Redfish resource, pretty-printed. */
export const EXCERPT_CHARS = 6000;
/** A string value longer than this is shortened in excerpts (a CSR, a certificate): the members after it stay. */
export const LONG_STRING = 240;

/**
 * A body as evidence shows it: JSON pretty-printed (two-space indent, long strings shortened in place, so the
 * members after a CSR stay in view), anything else as it came; cut at a line end past EXCERPT_CHARS, saying so.
 */
export function excerpt(text: string): string {
  const shown = prettyJson(text) ?? text;
  if (shown.length <= EXCERPT_CHARS) return shown;
  const cut = shown.lastIndexOf('\n', EXCERPT_CHARS);
  const head = shown.slice(0, cut > EXCERPT_CHARS / 2 ? cut : EXCERPT_CHARS);
  return `${head}\n… (cut: ${text.length} chars in all)`;
}

/** A JSON document's text pretty-printed with long strings shortened, or undefined when it is not JSON. */
function prettyJson(text: string): string | undefined {
  const t = text.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return layout(JSON.parse(text)).lines.join('\n');
  } catch {
    return undefined;
  }
}

/** A string as an excerpt shows it: a long one cut, its length said. */
function shortString(s: string, max = LONG_STRING): string {
  return s.length > max ? `${s.slice(0, max)}… (${s.length} chars)` : s;
}

/**
 * JSON pretty-printed line by line, and where each value is: `spans` maps every JSON pointer (RFC 6901) of the
 * document to its first and last line (0-based, inclusive).
 */
export function layout(
  value: unknown,
  longString = LONG_STRING,
): { lines: string[]; spans: Map<string, [number, number]> } {
  const lines: string[] = [];
  const spans = new Map<string, [number, number]>();
  const key = (k: string) => `${JSON.stringify(k)}: `;
  const walk = (v: unknown, pointer: string, indent: string, head: string, comma: string): void => {
    const start = lines.length;
    const children: Array<[string, unknown]> | undefined = Array.isArray(v)
      ? v.map((x, i) => [String(i), x])
      : v && typeof v === 'object'
        ? Object.entries(v)
        : undefined;
    if (!children || children.length === 0) {
      const text =
        typeof v === 'string'
          ? JSON.stringify(shortString(v, longString))
          : children
            ? Array.isArray(v)
              ? '[]'
              : '{}'
            : (JSON.stringify(v) ?? 'null');
      lines.push(`${indent}${head}${text}${comma}`);
    } else {
      const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
      lines.push(`${indent}${head}${open}`);
      children.forEach(([k, x], i) =>
        walk(
          x,
          `${pointer}/${escapePointer(k)}`,
          `${indent}  `,
          Array.isArray(v) ? '' : key(k),
          i < children.length - 1 ? ',' : '',
        ),
      );
      lines.push(`${indent}${close}${comma}`);
    }
    spans.set(pointer, [start, lines.length - 1]);
  };
  walk(value, '', '', '', '');
  return { lines, spans };
}

/** One reference token of a JSON pointer (RFC 6901 §3: "~" as "~0", "/" as "~1"). */
export function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The value at a JSON pointer, or undefined when there is none. */
export function valueAt(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  let cur: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!cur || typeof cur !== 'object' || !Object.hasOwn(cur, token)) return undefined;
    cur = (cur as Record<string, unknown>)[token];
  }
  return cur;
}

/**
 * Where a finding is, as a result carries it: the offending part of the answer under test, named and shown, so a
 * report can put it before everything else.
 */
export interface FindingAt {
  /** A JSON pointer into the answer's body ("/Messages"; "" is the whole body), an XPath, or "header X". */
  pointer: string;
  /** The offending value, pretty-printed; absent when the part is missing from the answer. */
  value?: string;
  /** The part is missing (a required member, a header). */
  missing?: boolean;
  /** The answer pretty-printed around the part (a few lines either side), when the body is known. */
  context?: string;
  /** The lines of `context` that are the part (0-based, inclusive); for a missing member, its parent's first line. */
  mark?: [number, number];
  /** Index in the result's evidence of the exchange whose answer holds it. */
  exchange?: number;
}

/** How much of the answer a finding shows around its offending part. */
const CONTEXT_BEFORE = 4;
const CONTEXT_AFTER = 4;
const CONTEXT_PART = 30;
/** Strings in the context are cut shorter than in excerpts: the context is about where, the value says what. */
const CONTEXT_STRING = 80;
const VALUE_CHARS = 2000;

/**
 * The offending part of `body` at `pointer`, shown: its value pretty-printed and the lines of the answer around
 * it, the part marked. A missing part shows its nearest existing parent.
 */
export function showAt(body: unknown, pointer: string): Omit<FindingAt, 'exchange'> {
  const { lines, spans } = layout(body, CONTEXT_STRING);
  const value = valueAt(body, pointer);
  let part = pointer;
  while (!spans.has(part) && part !== '') part = part.slice(0, part.lastIndexOf('/'));
  const missing = value === undefined || part !== pointer;
  const [s, e] = spans.get(part) ?? [0, lines.length - 1];
  // A missing member is marked on its parent's opening line; a long part shows its start.
  const [ms, me] = missing ? [s, s] : [s, Math.min(e, s + CONTEXT_PART - 1)];
  const from = Math.max(0, ms - CONTEXT_BEFORE);
  const to = Math.min(
    lines.length - 1,
    (missing ? e : me) + CONTEXT_AFTER,
    from + CONTEXT_PART + 2 * CONTEXT_AFTER,
  );
  const shown = lines.slice(from, to + 1);
  if (from > 0) shown.unshift('…');
  if (to < lines.length - 1) shown.push('…');
  const offset = from > 0 ? 1 - from : -from;
  return {
    pointer,
    ...(missing ? { missing: true } : { value: shortValue(JSON.stringify(value, null, 2) ?? String(value)) }),
    context: shown.join('\n'),
    mark: [ms + offset, me + offset],
  };
}

function shortValue(text: string): string {
  return text.length > VALUE_CHARS ? `${text.slice(0, VALUE_CHARS)}… (${text.length} chars)` : text;
}

/**
 * A violation's place as a result carries it, masked by `mask` (the run's redactor) before anything is cut or laid
 * out, so no part of a secret survives a cut: the body (pointed into) or the value (a header, an XML element).
 */
export function findingAt(
  where: { pointer: string; body?: unknown; value?: unknown },
  mask: (text: string) => string,
): Omit<FindingAt, 'exchange'> {
  const pointer = mask(where.pointer);
  if (where.body !== undefined) {
    // Masked as text (secret fields by name, registered secrets in any escaping), then read back.
    let body: unknown;
    try {
      body = JSON.parse(mask(JSON.stringify(where.body)));
    } catch {
      body = undefined;
    }
    if (body !== undefined) return { ...showAt(body, where.pointer), pointer };
  }
  if (where.value === undefined) return { pointer, missing: true };
  const text = typeof where.value === 'string' ? where.value : JSON.stringify(where.value, null, 2);
  return { pointer, value: shortValue(mask(text ?? String(where.value))) };
}

/** Parsed answers and the exchange each came from: a check that names a part of a body finds its exchange. */
const answers = new WeakMap<object, Evidence>();

/** Remembers that `value` (a parsed body) is the answer of `exchange` (called by HttpResponse.json()). */
export function answered(value: unknown, exchange: Evidence): void {
  if (value && typeof value === 'object') answers.set(value, exchange);
}

/** The exchange whose answer `body` was parsed from, when known. */
export function exchangeOf(body: unknown): Evidence | undefined {
  return body && typeof body === 'object' ? answers.get(body) : undefined;
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

/**
 * The exchanges of a result in the order a reader wants them: the one whose answer holds the finding first, then
 * the rule's own (as they happened), then those of shared setups, their writes (a shared Rekey) before their
 * reads (discovery), each as they happened.
 */
export function orderEvidence(evidence: readonly Evidence[], first?: Evidence): Evidence[] {
  const rank = (e: Evidence) => (e === first ? 0 : !e.shared ? 1 : e.method !== 'GET' ? 2 : 3);
  const ordered = evidence
    .map((e, i) => ({ e, i }))
    .sort((a, b) => rank(a.e) - rank(b.e) || a.i - b.i)
    .map(({ e }) => e);
  // A judged answer another rule fetched (kept by the suite) is shown though this rule did not request it.
  return first && !evidence.includes(first) ? [first, ...ordered] : ordered;
}
