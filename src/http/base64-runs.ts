/**
 * Base64 runs in text: a PEM body or a DER blob inside a JSON string, possibly broken into lines (real or
 * JSON-escaped line breaks). A secret the harness sent can sit inside such a blob (a challenge password inside a
 * CSR), where no text search finds it: its base64 depends on where it starts. These helpers decode each run, let
 * a caller change bytes in place, and write back only the characters of the groups that changed, keeping the
 * line breaks where they were.
 */

/** Runs long enough to hold a DER structure: base64 characters and line breaks (real or JSON-escaped), with optional padding. */
const RUN = /(?:[A-Za-z0-9+/]|\\r\\n|\\n|\r\n|\n){64,}={0,2}/g;

/**
 * The characters a run can hold (`\\` only as part of an escaped line break, `=` only at its end), indexed by any
 * UTF-16 code unit: a lookup past the end of a shorter table is a slow path in V8.
 */
const RUN_CHAR = new Uint8Array(0x10000);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/\\\r\n')
  RUN_CHAR[c.charCodeAt(0)] = 1;

/**
 * `text.replace(RUN, fn)`, in linear time: RUN alone, tried at every position of a long text, costs seconds per
 * run on reports (its alternation is tried from each letter of every word). A run lies inside a stretch of at
 * least 64 run characters (and the padding after it), so only such stretches are handed to RUN.
 */
function replaceRuns(text: string, fn: (run: string) => string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length;) {
    let end = i;
    while (end < text.length && RUN_CHAR[text.charCodeAt(end)] === 1) end++;
    if (end - i < 64) {
      i = end + 1;
      continue;
    }
    for (const stop = Math.min(text.length, end + 2); end < stop && text[end] === '=';) end++;
    const stretch = text.slice(i, end);
    const replaced = stretch.replace(RUN, fn);
    if (replaced !== stretch) {
      out += text.slice(last, i) + replaced;
      last = end;
    }
    i = end;
  }
  return last ? out + text.slice(last) : text;
}

/** Where each base64 character of a run is (skipping real line breaks and JSON-escaped ones, `\\n`). */
function positions(run: string): number[] {
  const at: number[] = [];
  for (let i = 0; i < run.length; i++) {
    const c = run[i];
    if (c === '\\') i++;
    else if (c !== '\n' && c !== '\r') at.push(i);
  }
  return at;
}

/** The decoded bytes of a run's whole groups of four characters. */
function decode(run: string): Buffer {
  // Node's decoder skips real line breaks; JSON-escaped ones are taken out first.
  const clean = run.includes('\\') ? run.replace(ESCAPE, '') : run;
  const chars = clean.length - (clean.match(/[\r\n]/g)?.length ?? 0);
  const bytes = Buffer.from(clean, 'base64');
  return bytes.subarray(0, Math.floor(chars / 4) * 3);
}

const ESCAPE = /\\r\\n|\\n/g;

/**
 * Replaces every base64 run of `text` for which `replace` returns a text (given the run's decoded bytes).
 */
export function replaceBase64Runs(text: string, replace: (bytes: Buffer) => string | undefined): string {
  return replaceRuns(text, (run) => replace(decode(run)) ?? run);
}

/**
 * Calls `edit` with the decoded bytes of every base64 run of `text`; `edit` changes them in place (same length)
 * and says whether it did. Returns the text with the changed runs re-encoded.
 */
export function editBase64Runs(text: string, edit: (bytes: Buffer) => boolean): string {
  return replaceRuns(text, (run) => {
    const bytes = decode(run);
    if (!bytes.length) return run;
    const before = Buffer.from(bytes);
    if (!edit(bytes)) return run;
    const at = positions(run);
    const chars = [...run];
    for (let g = 0; g * 3 < bytes.length; g++) {
      const from = g * 3;
      const to = Math.min(from + 3, bytes.length);
      if (bytes.subarray(from, to).equals(before.subarray(from, to))) continue;
      const encoded = bytes.subarray(from, to).toString('base64');
      for (let k = 0; k < 4; k++) chars[at[g * 4 + k]!] = encoded[k]!;
    }
    return chars.join('');
  });
}

/** Overwrites every occurrence of `needle` in `bytes` with `fill` (same length); whether there was one. */
export function overwriteAll(bytes: Buffer, needle: Buffer, fill: Buffer): boolean {
  let found = false;
  for (let i = bytes.indexOf(needle); i >= 0; i = bytes.indexOf(needle, i + needle.length)) {
    fill.copy(bytes, i);
    found = true;
  }
  return found;
}
