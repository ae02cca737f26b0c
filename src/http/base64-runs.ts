/**
 * Base64 runs in text: a PEM body or a DER blob inside a JSON string, possibly broken into lines (real or
 * JSON-escaped line breaks). A secret the harness sent can sit inside such a blob (a challenge password inside a
 * CSR), where no text search finds it: its base64 depends on where it starts. These helpers decode each run, let
 * a caller change bytes in place, and write back only the characters of the groups that changed, keeping the
 * line breaks where they were.
 */

/** Runs long enough to hold a DER structure: base64 characters and line breaks, with optional padding. */
const RUN = /(?:[A-Za-z0-9+/]|\\r\\n|\\n|\r\n|\n){64,}={0,2}/g;
const BREAK = /\\r\\n|\\n|\r\n|\n/g;

/** The base64 characters of a run, and where each one is in it. */
function characters(run: string): { clean: string; at: number[] } {
  const at: number[] = [];
  let clean = '';
  for (let i = 0; i < run.length;) {
    BREAK.lastIndex = i;
    const br = BREAK.exec(run);
    if (br && br.index === i) {
      i += br[0].length;
      continue;
    }
    at.push(i);
    clean += run[i];
    i++;
  }
  return { clean, at };
}

/** The decoded bytes of a run's whole groups of four characters. */
function decode(clean: string): Buffer {
  return Buffer.from(clean.slice(0, Math.floor(clean.length / 4) * 4), 'base64');
}

/**
 * Replaces every base64 run of `text` for which `replace` returns a text (given the run's decoded bytes).
 */
export function replaceBase64Runs(text: string, replace: (bytes: Buffer) => string | undefined): string {
  return text.replace(RUN, (run) => replace(decode(characters(run).clean)) ?? run);
}

/**
 * Calls `edit` with the decoded bytes of every base64 run of `text`; `edit` changes them in place (same length)
 * and says whether it did. Returns the text with the changed runs re-encoded.
 */
export function editBase64Runs(text: string, edit: (bytes: Buffer) => boolean): string {
  return text.replace(RUN, (run) => {
    const { clean, at } = characters(run);
    const bytes = decode(clean);
    if (!bytes.length) return run;
    const before = Buffer.from(bytes);
    if (!edit(bytes)) return run;
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
