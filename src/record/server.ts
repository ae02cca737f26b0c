import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generatedSecrets } from '../core/random.ts';
import { editBase64Runs, overwriteAll } from '../http/base64-runs.ts';
import { REPLAY_MISS_HEADER, REPLAY_RULE_HEADER } from '../http/client.ts';
import { binaryPlaceholder, type Redactor, SECRET_PLACEHOLDER } from '../http/redact.ts';
import { loopbackTls } from '../mock/server.ts';
import type { Har, HarEntry } from './har.ts';
import { bodiesMatch } from './match.ts';

export interface ReplayServer {
  url: string;
  /** CA of the server certificate, and a test certificate and key a client may present (HTTPS only). */
  ca?: string;
  clientCert?: { cert: string; key: string };
  /** The requests that were not in the recording. */
  misses: string[];
  close(): Promise<void>;
}

/**
 * Serves a recording: each request is answered with the recorded response of the first exchange of the same
 * rule, not yet used, with the same method, path and body, so identical requests are answered in recorded
 * order. Anything else is not in the recording: answered with REPLAY_MISS_HEADER, which the client turns into
 * an error. An exchange recorded without an answer breaks the connection off again.
 */
export async function startReplayServer(
  har: Har,
  opts: {
    /** The recorded origin this server stands in for: it answers that origin's exchanges. */
    origin: string;
    redactor: Redactor;
    /** The recorded target: whose generated secrets the recording's placeholders name. */
    target: string;
    /** Rewrites recorded origins in answers to the replay servers' ones. */
    rewrite: (text: string) => string;
  },
): Promise<ReplayServer> {
  const pending = new Map<string, HarEntry[]>();
  for (const e of har.log.entries) {
    if (safeOrigin(e.request.url) !== opts.origin) continue;
    const list = pending.get(e._rule) ?? [];
    list.push(e);
    pending.set(e._rule, list);
  }
  const misses: string[] = [];

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rule = header(req.headers[REPLAY_RULE_HEADER]) ?? '(connection)';
      const path = req.url ?? '/';
      const secrets = generatedSecrets(opts.target);
      const live = opts.redactor.text(Buffer.concat(chunks).toString('utf8'), { labels: secrets });
      const list = pending.get(rule) ?? [];
      const i = list.findIndex(
        (e) =>
          e.request.method === req.method &&
          pathOf(e.request.url) === path &&
          bodiesMatch(recordedBody(e), live),
      );
      if (i < 0) {
        const near = list.find((e) => e.request.method === req.method && pathOf(e.request.url) === path);
        const what = `${req.method} ${path} by ${rule}${near ? `; the recorded one has another body: ${difference(recordedBody(near), live)}` : ''}`;
        misses.push(what);
        res.writeHead(500, { [REPLAY_MISS_HEADER]: '1', 'content-type': 'text/plain' });
        res.end(what);
        return;
      }
      const [entry] = list.splice(i, 1);
      answer(entry!, res, opts.rewrite, (text) => restoreSecrets(text, secrets));
    });
  };

  const https_ = opts.origin.startsWith('https:');
  const tls = https_ ? await loopbackTls('certconform replay') : undefined;
  const server = tls
    ? https.createServer({ key: tls.key, cert: tls.cert }, handler)
    : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${https_ ? 'https' : 'http'}://127.0.0.1:${port}`,
    ...(tls ? { ca: tls.ca, clientCert: { cert: tls.cert, key: tls.key } } : {}),
    misses,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(
  entry: HarEntry,
  res: http.ServerResponse,
  rewrite: (s: string) => string,
  restore: (s: string) => string,
): void {
  const r = entry.response;
  if (r._error || r.status === 0) {
    // The answer was lost: break it off after the head, so the client sees it cut (an error) and does not
    // send it again on a fresh connection as it would after a reset before any answer.
    res.writeHead(200, { 'content-length': '1000' });
    res.write('{', () => res.socket?.destroy());
    return;
  }
  const c = r.content;
  const body =
    c.encoding === 'base64'
      ? Buffer.from(restore(c.text ?? ''), 'base64')
      : Buffer.from(restore(rewrite(c.text ?? '')), 'utf8');
  const headers: Record<string, string> = {};
  for (const h of r.headers) {
    const name = h.name.toLowerCase();
    if (HOP_BY_HOP.has(name)) continue;
    headers[name] = headers[name] ? `${headers[name]}, ${rewrite(h.value)}` : rewrite(h.value);
  }
  headers['content-length'] = String(body.length);
  res.writeHead(r.status, r.statusText || undefined, headers);
  res.end(body);
}

/**
 * Puts back the secrets the harness generated where the recording names them: a placeholder in text, and the
 * same-length stand-in inside base64 data (src/http/redact.ts). A placeholder the replay did not generate stays.
 */
function restoreSecrets(text: string, generated: ReadonlyMap<string, string>): string {
  if (!generated.size) return text;
  const byLabel = new Map([...generated].map(([value, label]) => [label, value]));
  const restored = text.replace(
    SECRET_PLACEHOLDER,
    (placeholder, label: string) => byLabel.get(label) ?? placeholder,
  );
  return editBase64Runs(restored, (bytes) => {
    let changed = false;
    for (const [label, value] of byLabel) {
      const secret = Buffer.from(value, 'utf8');
      changed = overwriteAll(bytes, binaryPlaceholder(label, secret.length), secret) || changed;
    }
    return changed;
  });
}

const HOP_BY_HOP = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date']);

function recordedBody(e: HarEntry): string {
  const p = e.request.postData;
  if (!p) return '';
  return p._encoding === 'base64' ? Buffer.from(p.text, 'base64').toString('utf8') : p.text;
}

export function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return url;
  }
}

export function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function header(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Where two bodies first differ, shortly: for the "not in the recording" message. */
function difference(recorded: string, live: string): string {
  let i = 0;
  while (i < recorded.length && recorded[i] === live[i]) i++;
  const from = Math.max(0, i - 20);
  return `recorded …${JSON.stringify(recorded.slice(from, i + 40))}, sent …${JSON.stringify(live.slice(from, i + 40))}`;
}
