import { editBase64Runs } from './base64-runs.ts';

/**
 * Masks secrets in everything the harness writes or prints. Two layers:
 * known secret values (registered from the profile, auth headers and rule inputs) are replaced wherever
 * they appear, in every encoding a report can carry them in; and well-known secret shapes (PEM private keys,
 * credential headers, secret JSON/XML/form fields) are masked even when their value was never registered.
 */
export const MASK = '***';

/**
 * How a recording names a secret the harness generated (a challenge password drawn from the seed), instead of
 * MASK: a replay generates the same value again and puts it back where the placeholder stands.
 */
export function secretPlaceholder(label: string): string {
  return `{{harness secret ${label}}}`;
}

/** The placeholders of generated secrets in a text, and which label each names. */
export const SECRET_PLACEHOLDER = /\{\{harness secret ([A-Za-z0-9:._-]+)\}\}/g;
const PLACEHOLDER_ONLY = new RegExp(`^${SECRET_PLACEHOLDER.source}$`);

/**
 * What stands for a generated secret inside binary data (a challenge password inside a CSR): the same number of
 * bytes, so the structure around it stays intact, `{{label}}` padded with `*` where it fits.
 */
export function binaryPlaceholder(label: string | undefined, length: number): Buffer {
  const named = label ? `{{${label}}}` : '';
  return Buffer.from(named.length <= length ? named.padEnd(length, '*') : '*'.repeat(length), 'latin1');
}

export interface RedactOptions {
  /** Secrets the harness generated, value → label: written as their placeholders rather than MASK (recordings). */
  labels?: ReadonlyMap<string, string>;
  /** Values safe to keep even in a secret field (a PKCS#12 archive whose private keys were taken out). */
  keep?: ReadonlySet<string>;
}

const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-auth-token',
]);

/** JSON/XML/form field names whose values are secrets (credential headers too: a device may echo them as JSON). */
const SECRET_FIELD = String.raw`(?:password|passwd|passphrase|secret|token|access_?token|refresh_?token|challengepassword|apikey|api_key|privatekey|private_key|pkcs12blob|authorization|proxy-authorization|cookie|set-cookie|x-auth-token)`;

/**
 * How deeply a JSON string can be nested in a report: a request body (0) is quoted in results.json (1); a device
 * that echoes the body inside a JSON string adds one more (2), and that quoted in results.json another (3).
 */
const JSON_LEVELS = 4;

/**
 * Masks the value of every secret JSON field `"password": "…"` as it reads after the document was quoted `level`
 * times as a JSON string: there a quote reads as 2^level−1 backslashes and a quote, a backslash as 2^level
 * backslashes. The end of the value is found by counting backslashes, so a password containing `"` or `\`
 * cannot end the match early (everything after the quote would leak). A value cut off at the end is masked too.
 */
function maskJsonFields(text: string, level: number, keep: (value: string) => boolean): string {
  const head = JSON_FIELD_HEADS[level]!;
  head.lastIndex = 0;
  let out = '';
  let last = 0;
  for (let m = head.exec(text); m; m = head.exec(text)) {
    const start = m.index + m[0].length;
    const end = jsonStringEnd(text, start, level);
    out += text.slice(last, start) + (keep(text.slice(start, end)) ? text.slice(start, end) : MASK);
    last = end;
    head.lastIndex = end;
  }
  return last ? out + text.slice(last) : text;
}

/** The start of a secret JSON field's value, per nesting level (built once: reports are redacted string by string). */
const JSON_FIELD_HEADS = Array.from({ length: JSON_LEVELS }, (_, level) => {
  const quote = `${'\\'.repeat(2 ** level - 1)}"`.replace(/[\\"]/g, (c) => `\\${c}`);
  return new RegExp(String.raw`${quote}${SECRET_FIELD}${quote}\s*:\s*${quote}`, 'gi');
});

/** A text that names no secret field at all needs none of the field masks (most strings of a report). */
const ANY_SECRET_FIELD = new RegExp(SECRET_FIELD, 'i');

/** Where the JSON string value that starts at `i` ends (its closing quote at this nesting level). */
function jsonStringEnd(text: string, i: number, level: number): number {
  const lead = 2 ** level - 1;
  const period = 2 ** (level + 1);
  while (i < text.length) {
    if (text[i] === '"') return i; // a bare quote: the enclosing string, so this value too, ends here
    if (text[i] !== '\\') {
      i++;
      continue;
    }
    let run = 0;
    while (text[i + run] === '\\') run++;
    if (text[i + run] === '"' && run >= lead && (run - lead) % period === 0) return i + run - lead;
    i += run;
    if (text[i] === '"') i++; // an escaped quote inside the value
  }
  return text.length;
}

/**
 * Well-known secret shapes: the value group (named `v`) is masked unless the caller keeps it (a placeholder of
 * a generated secret, a sanitized archive).
 */
const PATTERNS: Array<[RegExp, (kept: string) => string]> = [
  [
    /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    () => '[redacted private key]',
  ],
  [new RegExp(String.raw`(<${SECRET_FIELD}(?:\s[^>]*)?>)(?<v>[^<]*)`, 'gi'), (head) => `${head}${MASK}`],
  [
    new RegExp(String.raw`(\b${SECRET_FIELD}\s*=\s*)(?:"(?<v>[^"]*)"|'(?<w>[^']*)')`, 'gi'),
    (head) => `${head}"${MASK}"`,
  ],
  // Form bodies and query strings: password=…&…
  [
    new RegExp(String.raw`((?:^|[?&;\s"'>])${SECRET_FIELD}=)(?<v>[^&\s"'<>\\]+)`, 'gi'),
    (head) => `${head}${MASK}`,
  ],
  [
    /((?:^|\n)\s*(?:authorization|proxy-authorization|cookie|set-cookie|x-auth-token)\s*:\s*)(?<v>[^\n]+)/gi,
    (head) => `${head}${MASK}`,
  ],
  // A credential, not prose ("HTTP Basic authentication"): it has a digit or symbol, or a capital inside.
  [
    /(\b(?:Basic|Bearer)\s+)(?<v>(?=[A-Za-z0-9._~+/=-]*(?:[0-9._~+/=-]|[A-Za-z][A-Z]))[A-Za-z0-9._~+/=-]{6,})/g,
    (head) => `${head}${MASK}`,
  ],
];

/** The secret shapes that need no field name (a PEM private key; "Basic …"/"Bearer …" credentials). */
const SHAPE_PATTERNS = [PATTERNS[0]!, PATTERNS.at(-1)!];

/** The JSON string content of `s` (no quotes), optionally with every non-ASCII character as \uXXXX. */
function jsonEscape(s: string, ascii = false): string {
  const out = JSON.stringify(s).slice(1, -1);
  return ascii
    ? out.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : out;
}

const XML_NAMED: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** The XML/HTML escapings writers use: named entities, &#39; for ', decimal or hex references, text-only. */
function xmlEscapes(s: string): string[] {
  const code = (c: string) => c.codePointAt(0)!;
  return [
    s.replace(/[&<>"']/g, (c) => XML_NAMED[c]!),
    s.replace(/[&<>]/g, (c) => XML_NAMED[c]!),
    s.replace(/[&<>"]/g, (c) => XML_NAMED[c]!).replace(/'/g, '&#39;'),
    s.replace(/[&<>"']|[^\x20-\x7e]/gu, (c) => `&#${code(c)};`),
    s.replace(/[&<>"']|[^\x20-\x7e]/gu, (c) => `&#x${code(c).toString(16)};`),
    s.replace(/[&<>"']|[^\x20-\x7e]/gu, (c) => `&#x${code(c).toString(16).toUpperCase()};`),
    // Named entities for the five, references for characters outside ASCII.
    s.replace(/[&<>"']|[^\x20-\x7e]/gu, (c) => XML_NAMED[c] ?? `&#${code(c)};`),
    s.replace(/[&<>"']|[^\x20-\x7e]/gu, (c) => XML_NAMED[c] ?? `&#x${code(c).toString(16)};`),
  ];
}

/** URL encodings: encodeURIComponent, form encoding (space as +, and URLSearchParams' set), lower-case hex. */
function urlEscapes(s: string): string[] {
  const component = encodeURIComponent(s);
  const form = new URLSearchParams({ s }).toString().slice(2);
  return [
    component,
    component.replace(/%20/g, '+'),
    form,
    encodeURI(s),
    ...[component, form].map((e) => e.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())),
  ];
}

/** Every form in which `value` can appear in a report or on the console. */
export function secretEncodings(value: string): string[] {
  return [...new Set([...textEncodings(value), ...base64s(Buffer.from(value, 'utf8'))])];
}

/** The escaped forms: JSON (nested), XML, URL. Letters and digits are the same in all of them. */
function textEncodings(value: string): string[] {
  const out = new Set<string>();
  // Nested JSON strings, each as an XML writer escapes it (junit.xml quotes JSON bodies), and XML echoed in JSON.
  let nested = [value, ...xmlEscapes(value)];
  for (let level = 0; level < JSON_LEVELS; level++) {
    for (const v of nested) {
      out.add(v);
      for (const x of xmlEscapes(v)) out.add(x);
    }
    nested = [...new Set(nested.flatMap((v) => [jsonEscape(v), jsonEscape(v, true)]))];
  }
  for (const u of urlEscapes(value)) out.add(u);
  return [...out];
}

function base64s(bytes: Buffer): string[] {
  return [bytes.toString('base64'), bytes.toString('base64url')];
}

/** The escaped forms of one secret, and a run of its letters and digits that every one of them contains. */
interface SecretForms {
  forms: string[];
}

/**
 * The byte forms of the secrets (UTF-8, UTF-16BE), longest first, by their first two bytes; `starts` marks those
 * two-byte starts (a table lookup per byte, where a Map lookup per byte cost more than the rest of the mask).
 */
interface BinaryNeedles {
  byStart: Map<number, Array<{ value: string; bytes: Buffer; utf16: boolean }>>;
  starts: Uint8Array;
}

function binaryNeedles(values: readonly string[]): BinaryNeedles {
  const byStart: BinaryNeedles['byStart'] = new Map();
  const starts = new Uint8Array(0x10000);
  const all = values.flatMap((value) => [
    { value, bytes: Buffer.from(value, 'utf8'), utf16: false },
    { value, bytes: Buffer.from(value, 'utf16le').swap16(), utf16: true },
  ]);
  for (const n of all.sort((a, b) => b.bytes.length - a.bytes.length)) {
    const key = (n.bytes[0]! << 8) | n.bytes[1]!;
    byStart.set(key, [...(byStart.get(key) ?? []), n]);
    starts[key] = 1;
  }
  return { byStart, starts };
}

/** Every redactor of this process: a last-resort error line (a harness bug) is masked by all of them. */
const everyRedactor = new Set<WeakRef<Redactor>>();

/** A text masked by every redactor the process made (for output that has no run's redactor at hand). */
export function redactWithAll(text: string): string {
  let out = text;
  let any = false;
  for (const ref of everyRedactor) {
    const r = ref.deref();
    if (!r) everyRedactor.delete(ref);
    else [out, any] = [r.text(out), true];
  }
  // None yet: the secret shapes are still masked.
  return any ? out : new Redactor().text(out);
}

/**
 * Which of a set of strings a text holds, in one pass: a bitmap of the hashes of every string's first four
 * characters is tried at every position of the text, and only where it says yes are the strings that start with
 * those four characters compared. A report is redacted tens of thousands of times; each string sought through
 * the whole text one by one made that quadratic. The hash rolls (one character in, one out per position) and the
 * bitmap is 8 kB, so it stays in the processor's first-level cache: a bigger one made every lookup a cache miss.
 */
export class QuadScreen {
  private readonly bits = new Uint8Array(1 << 13); // 2^16 bits
  private readonly byQuad = new Map<string, string[]>();
  /** Strings under four characters cannot be screened: each is sought on its own. */
  private readonly short: string[] = [];

  constructor(needles: Iterable<string>) {
    for (const n of new Set(needles)) {
      if (n.length < 4) {
        this.short.push(n);
        continue;
      }
      const h = QuadScreen.hash(n, 0) & 0xffff;
      this.bits[h >>> 3]! |= 1 << (h & 7);
      const quad = n.slice(0, 4);
      this.byQuad.set(quad, [...(this.byQuad.get(quad) ?? []), n]);
    }
  }

  /** The polynomial hash (base 31, 32 bits) of the four characters of `text` from `i`. */
  private static hash(text: string, i: number): number {
    const [a, b, c, d] = [0, 1, 2, 3].map((k) => text.charCodeAt(i + k)) as [number, number, number, number];
    return (Math.imul(Math.imul(Math.imul(a, 31) + b, 31) + c, 31) + d) | 0;
  }

  present(text: string): Set<string> {
    const found = new Set(this.short.filter((n) => text.includes(n)));
    if (text.length < 4) return found;
    const bits = this.bits;
    for (let i = 0, h = QuadScreen.hash(text, 0); ; i++) {
      const m = h & 0xffff;
      if (bits[m >>> 3]! & (1 << (m & 7)))
        for (const n of this.byQuad.get(text.slice(i, i + 4)) ?? [])
          if (!found.has(n) && text.startsWith(n, i)) found.add(n);
      if (i + 4 >= text.length) return found;
      // The next position's hash: the first character out (31^3 = 29791), the next one in.
      h = (Math.imul(h - Math.imul(text.charCodeAt(i), 29791), 31) + text.charCodeAt(i + 4)) | 0;
    }
  }
}

/** How many characters (texts and their masked copies) a redactor remembers at most, and the longest text. */
const REMEMBERED_CHARS = 16 * 1024 * 1024;
const REMEMBERED_TEXT = 256 * 1024;

export class Redactor {
  constructor() {
    everyRedactor.add(new WeakRef(this));
  }

  private readonly escaped = new Map<string, SecretForms>();
  /** Base64 forms, and the secret each one encodes (none for a Basic credential pair). */
  private readonly opaque = new Map<string, string | undefined>();
  private order?: {
    escaped: Array<[string, SecretForms]>;
    opaque: Array<[string, string | undefined]>;
    screen: QuadScreen;
  };
  private needles?: BinaryNeedles;
  /**
   * Texts already masked, while no secret was added since: a run's reports mask the same strings again and again
   * (an exchange's body in the journal, the progress file and each report), a third of their volume. Bounded.
   */
  private masked = new Map<string, string>();
  private maskedChars = 0;

  /** Registers a value that must never appear in output. Very short values are ignored (they would mask noise). */
  add(value: string | undefined | null): void {
    if (!value || value.length < 4 || this.escaped.has(value)) return;
    const forms = textEncodings(value).sort((a, b) => b.length - a.length);
    this.escaped.set(value, { forms });
    this.needles = undefined;
    for (const b of base64s(Buffer.from(value, 'utf8'))) this.opaque.set(b, value);
    this.changed();
  }

  /** A password, and the Basic credentials `user:password` it travels in (UTF-8, and Latin-1 where it fits). */
  addBasic(username: string, password: string): void {
    this.add(password);
    const pair = `${username}:${password}`;
    const encoded = [Buffer.from(pair, 'utf8')];
    if ([...pair].every((c) => c.charCodeAt(0) <= 0xff)) encoded.push(Buffer.from(pair, 'latin1'));
    for (const b of encoded) for (const e of base64s(b)) if (e.length >= 4) this.opaque.set(e, undefined);
    this.changed();
  }

  /** The registered secrets (a recording tries them as the passwords of archives it must sanitize). */
  secrets(): string[] {
    return [...this.escaped.keys()];
  }

  /** A secret was added: the screens are built again, and what was masked before may now show it. */
  private changed(): void {
    this.order = undefined;
    this.forget();
  }

  private forget(): void {
    this.masked.clear();
    this.maskedChars = 0;
  }

  text(input: string, opts?: RedactOptions): string {
    // A whole report is masked once: not worth remembering.
    if (opts || input.length > REMEMBERED_TEXT) return this.mask(input, opts ?? {});
    let out = this.masked.get(input);
    if (out === undefined) {
      out = this.mask(input, {});
      if (this.maskedChars > REMEMBERED_CHARS) this.forget();
      this.masked.set(input, out);
      this.maskedChars += input.length + out.length;
    }
    return out;
  }

  private mask(input: string, opts: RedactOptions): string {
    // Longest first so a secret containing another (or an encoding containing the raw value) is masked whole.
    this.order ??= {
      escaped: [...this.escaped].sort(([, a], [, b]) => b.forms[0]!.length - a.forms[0]!.length),
      opaque: [...this.opaque].sort(([a], [b]) => b.length - a.length),
      screen: new QuadScreen([...[...this.escaped.values()].flatMap((e) => e.forms), ...this.opaque.keys()]),
    };
    const mask = (value: string | undefined) => {
      const label = value === undefined ? undefined : opts.labels?.get(value);
      return label ? secretPlaceholder(label) : MASK;
    };
    const keep = (value: string) => !!opts.keep?.has(value) || PLACEHOLDER_ONLY.test(value);
    let out = this.escaped.size ? this.maskInsideBase64(input, opts.labels) : input;
    // One pass over the text finds the registered forms in it (most texts hold none); a mask never makes one, so
    // only those are replaced, longest first (a form inside a longer one may be gone by its turn).
    const present = this.order.screen.present(out);
    for (const [value, { forms }] of present.size ? this.order.escaped : [])
      for (const s of forms) if (present.has(s) && out.includes(s)) out = out.split(s).join(mask(value));
    for (const [s, value] of present.size ? this.order.opaque : [])
      if (present.has(s) && out.includes(s)) out = out.split(s).join(mask(value));
    const fields = ANY_SECRET_FIELD.test(out);
    if (fields) for (let level = 0; level < JSON_LEVELS; level++) out = maskJsonFields(out, level, keep);
    for (const [pattern, masked] of fields ? PATTERNS : SHAPE_PATTERNS)
      out = out.replace(pattern, (...args: unknown[]) => {
        const groups = args.at(-1);
        const named = typeof groups === 'object' ? (groups as Record<string, string | undefined>) : {};
        const value = named.v ?? named.w;
        return value !== undefined && keep(value) ? (args[0] as string) : masked((args[1] as string) ?? '');
      });
    return out;
  }

  /**
   * A registered secret inside base64 data (a challenge password inside a CSR) is overwritten where it sits, in
   * UTF-8 and in UTF-16 (a BMPString), with bytes of the same length: the structure stays readable.
   */
  private maskInsideBase64(text: string, labels: ReadonlyMap<string, string> | undefined): string {
    const needles = (this.needles ??= binaryNeedles([...this.escaped.keys()]));
    return editBase64Runs(text, (bytes) => {
      let changed = false;
      // One pass over the bytes; a table of the needles' first two bytes keeps it cheap (reports are megabytes).
      for (let i = 0; i + 1 < bytes.length; i++) {
        const start = (bytes[i]! << 8) | bytes[i + 1]!;
        if (!needles.starts[start]) continue;
        for (const n of needles.byStart.get(start)!) {
          if (
            i + n.bytes.length > bytes.length ||
            bytes.compare(n.bytes, 0, n.bytes.length, i, i + n.bytes.length)
          )
            continue;
          const fill = n.utf16
            ? Buffer.from('\0*'.repeat(n.bytes.length / 2), 'latin1')
            : binaryPlaceholder(labels?.get(n.value), n.bytes.length);
          fill.copy(bytes, i);
          changed = true;
          i += n.bytes.length - 1;
          break;
        }
      }
      return changed;
    });
  }

  /**
   * Every string inside `value` (objects and arrays, copied) masked: for structured data a report then renders,
   * so an escaping the renderer applies afterwards (a Markdown table cell, a properties file, a file name) can
   * never turn a secret into a form the final pass over the text would miss.
   */
  deep<T>(value: T): T {
    // The reports of a run mask the same record twice (the files, then Allure): the copy stands while no secret
    // was added since.
    const last = this.lastDeep;
    if (last && last.of === value && last.secrets === this.escaped.size + this.opaque.size)
      return last.copy as T;
    const copy = this.deepCopy(value);
    if (value && typeof value === 'object')
      this.lastDeep = { of: value, secrets: this.escaped.size + this.opaque.size, copy };
    return copy;
  }

  private lastDeep?: { of: unknown; secrets: number; copy: unknown };

  private deepCopy<T>(value: T): T {
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => this.deepCopy(v)) as T;
    if (value && typeof value === 'object' && !Buffer.isBuffer(value))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.deepCopy(v)])) as T;
    return value;
  }

  headers(
    headers: Record<string, string | string[] | undefined>,
    opts: RedactOptions = {},
  ): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) {
      if (v === undefined) continue;
      const joined = Array.isArray(v) ? v.join(', ') : v;
      out[k] = SECRET_HEADERS.has(k.toLowerCase()) ? MASK : this.text(joined, opts);
    }
    return out;
  }
}

/**
 * A writer that passes every chunk through the redactor first: for the console (progress lines, skip reasons
 * and errors can quote a device's answer). `write` is e.g. `(s) => process.stdout.write(s)`.
 */
export function redactingWrite(redactor: Redactor, write: (text: string) => void): (text: string) => void {
  return (text) => write(redactor.text(text));
}
