/**
 * Masks secrets in everything the harness writes. Two layers:
 * known secret values (registered from the profile, auth headers and rule inputs) are replaced wherever
 * they appear, and well-known secret shapes (PEM private keys, credential headers, secret JSON/XML fields)
 * are masked even when their value was never registered.
 */
export const MASK = '***';

const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-auth-token',
]);

/** JSON/XML/form field names whose values are secrets. */
const SECRET_FIELD = String.raw`(?:password|passwd|passphrase|secret|token|access_?token|refresh_?token|challengepassword|apikey|api_key|privatekey|private_key|pkcs12blob)`;

const PATTERNS: Array<[RegExp, string]> = [
  [
    /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    '[redacted private key]',
  ],
  [new RegExp(String.raw`("${SECRET_FIELD}"\s*:\s*)"(?:[^"\\]|\\.)*"`, 'gi'), `$1"${MASK}"`],
  [new RegExp(String.raw`(\\"${SECRET_FIELD}\\"\s*:\s*)\\"(?:[^"\\]|\\[^"])*\\"`, 'gi'), `$1\\"${MASK}\\"`],
  [new RegExp(String.raw`(<${SECRET_FIELD}>)[^<]*(?=</)`, 'gi'), `$1${MASK}`],
  [
    /((?:^|\n)\s*(?:authorization|proxy-authorization|cookie|set-cookie|x-auth-token)\s*:\s*)[^\n]+/gi,
    `$1${MASK}`,
  ],
  [/(\b(?:Basic|Bearer)\s+)[A-Za-z0-9._~+/=-]{6,}/g, `$1${MASK}`],
];

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a value that must never appear in output. Very short values are ignored (they would mask noise). */
  add(value: string | undefined | null): void {
    if (!value || value.length < 4) return;
    this.secrets.add(value);
    // Secrets also travel encoded: Basic auth, URL query strings, JSON strings.
    this.secrets.add(encodeURIComponent(value));
    this.secrets.add(JSON.stringify(value).slice(1, -1));
  }

  addBasic(username: string, password: string): void {
    this.add(password);
    this.add(Buffer.from(`${username}:${password}`).toString('base64'));
  }

  text(input: string): string {
    let out = input;
    // Longest first so a secret containing another is masked whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (s.length >= 4) out = out.split(s).join(MASK);
    }
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
    return out;
  }

  headers(headers: Record<string, string | string[] | undefined>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) {
      if (v === undefined) continue;
      const joined = Array.isArray(v) ? v.join(', ') : v;
      out[k] = SECRET_HEADERS.has(k.toLowerCase()) ? MASK : this.text(joined);
    }
    return out;
  }
}
