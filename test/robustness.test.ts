import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../src/run.ts';
import { quiet, tempDir, writeTemp } from './helpers.ts';
import { TOY_APIS } from './toy/api.ts';

/** A target that misbehaves at the HTTP level: every case must end as a clear fail or error, with reports on disk. */
const BASE = 'http://device.test';

function profile(dir: string, baseUrl = BASE): string {
  return writeTemp(
    dir,
    'device.yaml',
    `name: device\napi: toy\nvendor: toyco\nbaseUrl: ${baseUrl}\ntimeouts: { requestMs: 300 }\n`,
  );
}

async function runAgainst(baseUrl = BASE) {
  const dir = tempDir();
  const out = join(dir, 'out');
  const { run, exitCode } = await runConformance({
    profiles: [profile(dir, baseUrl)],
    rules: ['TOY-STATUS-001'],
    out,
    print: quiet,
    apis: TOY_APIS,
  });
  const result = run.results.find((r) => r.rule === 'TOY-STATUS-001')!;
  for (const f of ['results.json', 'junit.xml', 'summary.md']) expect(existsSync(join(out, f)), f).toBe(true);
  const json = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  expect(json.results[0].status).toBe(result.status);
  return { result, exitCode };
}

describe('a misbehaving target', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());

  it('connection reset is an error with the cause', async () => {
    nock(BASE)
      .get('/status')
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const { result, exitCode } = await runAgainst();
    expect(result).toMatchObject({ status: 'error', message: expect.stringContaining('ECONNRESET') });
    expect(exitCode).toBe(3);
  });

  it('no answer within the request timeout is an error, not a hang', async () => {
    nock(BASE).get('/status').delay(2_000).reply(200, { ok: true });
    const { result } = await runAgainst();
    expect(result).toMatchObject({
      status: 'error',
      message: expect.stringContaining('no complete answer within 300 ms'),
    });
  });

  it('a non-JSON body where JSON is documented is a fail that says what came back', async () => {
    nock(BASE).get('/status').reply(200, 'ok=true', { 'content-type': 'text/plain' });
    const { result, exitCode } = await runAgainst();
    expect(result).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('not JSON (text/plain): "ok=true"'),
    });
    expect(exitCode).toBe(1);
  });

  it('an HTML error page (a 5xx) is an error naming the status, not a fail: nothing was evaluated', async () => {
    nock(BASE)
      .get('/status')
      .reply(502, '<html><body><h1>502 Bad Gateway</h1></body></html>', { 'content-type': 'text/html' });
    const { result } = await runAgainst();
    expect(result).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/^not evaluated: GET .*\/status answered 502 \(a server error\)/),
    });
    expect(result.evidence[0]).toMatchObject({
      status: 502,
      response: expect.stringContaining('Bad Gateway'),
    });
  });

  it('503 with Retry-After is retried a bounded number of times', async () => {
    nock(BASE)
      .get('/status')
      .times(2)
      .reply(503, '', { 'retry-after': '0' })
      .get('/status')
      .reply(200, { ok: true });
    const { result } = await runAgainst();
    expect(result.status).toBe('pass');
    expect(result.evidence.map((e) => e.status)).toEqual([503, 503, 200]);
  });

  it('a truncated body is an error, not a crash', async () => {
    nock.enableNetConnect('127.0.0.1');
    const server = net.createServer((socket) => {
      socket.once('data', () => {
        socket.write(
          'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"ok":tr',
        );
        setTimeout(() => socket.destroy(), 20);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as net.AddressInfo).port;
      const { result } = await runAgainst(`http://127.0.0.1:${port}`);
      expect(result).toMatchObject({
        status: 'error',
        message: expect.stringMatching(/truncated|aborted|ECONNRESET|closed/),
      });
    } finally {
      server.close();
      nock.disableNetConnect();
    }
  });
});
