import { createHash } from 'node:crypto';
import { MASK } from '../http/redact.ts';

/**
 * Whether a request the harness sends now is the recorded one. Both bodies are compared as redacted text (the
 * live one passes the same redactor), and a placeholder in the recording (*** or a redacted private key) stands
 * for whatever secret the harness sends now: the harness knows its own secrets, the recording must not.
 * A PKCS#10 request compares by what it requests (subject, key, attributes), not its signature: an ECDSA
 * signature is randomized even over the same bytes.
 */
export function bodiesMatch(recorded: string, live: string): boolean {
  const a = normalizeCsrs(recorded);
  const b = normalizeCsrs(live);
  if (a === b) return true;
  if (!a.includes(MASK) && !a.includes(PRIVATE_KEY_PLACEHOLDER)) return false;
  const pattern = a
    .split(/(\*\*\*|\[redacted private key\])/)
    .map((part, i) => (i % 2 ? '[\\s\\S]*?' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`).test(b);
}

const PRIVATE_KEY_PLACEHOLDER = '[redacted private key]';

/** Base64 runs long enough to be a DER request, possibly with JSON-escaped or real line breaks. */
const BASE64_RUN = /(?:[A-Za-z0-9+/]|\\n|\\r|\r|\n){200,}={0,2}/g;

function normalizeCsrs(text: string): string {
  return text.replace(BASE64_RUN, (run) => {
    const clean = run.replace(/\\[nr]|[\r\n]/g, '');
    const info = csrInfo(Buffer.from(clean, 'base64'));
    return info ? `pkcs10:${info}` : run;
  });
}

/** SHA-256 of a PKCS#10 request's certificationRequestInfo, or undefined when the bytes are not one. */
function csrInfo(der: Buffer): string | undefined {
  const outer = tlv(der, 0);
  if (!outer || outer.tag !== 0x30 || outer.end !== der.length) return undefined;
  const cri = tlv(der, outer.content);
  if (!cri || cri.tag !== 0x30) return undefined;
  // certificationRequestInfo starts with version INTEGER 0.
  const version = tlv(der, cri.content);
  if (!version || version.tag !== 0x02 || der[version.content] !== 0) return undefined;
  const alg = tlv(der, cri.end);
  if (!alg || alg.tag !== 0x30) return undefined;
  const sig = tlv(der, alg.end);
  if (!sig || sig.tag !== 0x03 || sig.end !== outer.end) return undefined;
  return createHash('sha256').update(der.subarray(outer.content, cri.end)).digest('hex');
}

/** One DER tag-length-value at `at`: where its content starts and where it ends. */
function tlv(der: Buffer, at: number): { tag: number; content: number; end: number } | undefined {
  if (at + 2 > der.length) return undefined;
  const tag = der[at]!;
  let len = der[at + 1]!;
  let content = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || content + n > der.length) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + der[content + i]!;
    content += n;
  }
  const end = content + len;
  return end <= der.length ? { tag, content, end } : undefined;
}
