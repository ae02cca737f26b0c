import { createPrivateKey } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defineApi, ruleFactory, type AnyApi, type ApiId } from '../src/core/api.ts';
import { BrokenAnswer, NotApplicable, Violation } from '../src/core/errors.ts';
import type { HttpClient } from '../src/http/client.ts';
import { repoPath } from '../src/paths.ts';
import { runConformance } from '../src/run.ts';
import { quiet, readTree, tempDir, writeTemp } from './helpers.ts';
import { TOY_APIS, TOY_PASSWORD, toyApi } from './toy/api.ts';

describe('no secret in any output', () => {
  it('a failing run against a target with known secrets writes none of them anywhere', async () => {
    const api = toyApi as unknown as AnyApi;
    // The fault makes the destructive rule fail, so its request body (which carries the password) becomes evidence.
    const mock = await api.startMock({ variant: 'widgets', faults: ['status-not-ok'] });
    try {
      const dir = tempDir();
      const profile = writeTemp(
        dir,
        'p.yaml',
        [
          'name: secretive',
          'api: toy',
          'vendor: toyco',
          `baseUrl: ${mock.url}`,
          'allowDestructive: true',
          'params: { widgetId: w1 }',
          'auth: { scheme: basic, username: admin, password: "${TOY_PW}" }',
        ].join('\n'),
      );
      process.env.TOY_PW = TOY_PASSWORD;
      const out = join(dir, 'out');
      const { run } = await runConformance({
        profiles: [profile],
        out,
        print: quiet,
        apis: TOY_APIS,
        record: true,
      });
      expect(run.results.find((r) => r.rule === 'TOY-WIDGET-001')?.status).toBe('fail');

      const files = readTree(out);
      expect(files.map((f) => f.file.replace(out, ''))).toEqual(
        expect.arrayContaining([
          '/results.json',
          '/junit.xml',
          '/summary.md',
          expect.stringMatching(/^\/allure-results\/.*-result\.json$/),
          expect.stringMatching(/-attachment\.json$/),
          '/secretive.har',
        ]),
      );
      const basic = Buffer.from(`admin:${TOY_PASSWORD}`).toString('base64');
      for (const { file, text } of files) {
        expect(text, file).not.toContain(TOY_PASSWORD);
        expect(text, file).not.toContain(basic);
      }
      // The evidence is still there (pretty-printed), masked.
      expect(files.find((f) => f.file.endsWith('results.json'))!.text).toContain('\\"password\\": \\"***\\"');
    } finally {
      delete process.env.TOY_PW;
      await mock.close();
    }
  });
});

/*
 * A device that echoes everything back: headers, the raw body, the body re-quoted inside JSON or XML. Rules send
 * the secrets every way a suite does (JSON, form, XML, query string, Basic, cookie, token header) and then fail,
 * error or skip quoting the answer, so the echo lands in messages, reasons, evidence and on the console.
 */
const SECRETS = {
  // Each holds a character that an encoding changes; the tails after it are long enough to be found if leaked.
  main: 'Qq"7kW\\pZ&Lm<x%9é€Rt-main',
  readOnly: 'Ro"Quote\\Back&Amp<Lt%Pc-ÜñïRO',
  passphrase: 'Pp"h&r<a%s\\e-ßø-phrase',
  token: 'Tk"n\\&<%-Tøken-0042',
  pfx: 'Px"12\\&<%-pfx-Ωmega',
};
const USER = 'admin';

type Ctx = { http: HttpClient };
const rule = ruleFactory<Ctx, 'echo-doc', never, never>();
const cite = { source: 'echo-doc' as const, section: '§1', quote: 'Echo.' };
const xml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

const echoApi = defineApi<Ctx, 'echo-doc', never, 'default', never>({
  id: 'echo' as ApiId,
  title: 'Echo API',
  rulePrefix: 'RF',
  sources: { 'echo-doc': { title: 'Echo document' } },
  capabilities: {},
  faults: {},
  variants: { default: { description: 'echoes', vendor: 'echo' } },
  defaultVariant: 'default',
  paramsSchema: { type: 'object', additionalProperties: false, properties: {} },
  accountRoles: ['readOnly'],
  notTested: [],
  rules: [
    rule({
      id: 'ECHO-JSON-001',
      title: 'a JSON login body echoed back',
      level: 'MUST',
      cite,
      faults: [],
      async check({ ctx, target }) {
        const res = await ctx.http.post('/echo', {
          json: { UserName: USER, Password: target.auth.password, Note: 'the password has a quote' },
        });
        throw new Violation(`the device answered ${res.status}: ${res.text}`);
      },
    }),
    rule({
      id: 'ECHO-FORM-001',
      title: 'a form body (percent and plus encoded) echoed back',
      level: 'MUST',
      cite,
      faults: [],
      async check({ ctx, target }) {
        const pw = target.accounts.readOnly!.password!;
        const body = `username=ro&password=${encodeURIComponent(pw)}&${new URLSearchParams({ password: pw })}`;
        const res = await ctx.http.post('/echo', {
          body,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        throw new Violation(`form refused: ${res.text}`);
      },
    }),
    rule({
      id: 'ECHO-XML-001',
      title: 'an XML body echoed back inside XML',
      level: 'MUST',
      cite,
      faults: [],
      async check({ ctx, target }) {
        const res = await ctx.http.post('/echo.xml', {
          body: `<login><user>${USER}</user><password>${xml(target.auth.password!)}</password></login>`,
          headers: { 'content-type': 'application/xml' },
        });
        throw new Violation(`XML refused: ${res.text}`);
      },
    }),
    rule({
      id: 'ECHO-QUERY-001',
      title: 'a query string echoed back',
      level: 'MUST',
      cite,
      faults: [],
      async check({ ctx, target }) {
        const res = await ctx.http.get(
          `/echo?user=${USER}&password=${encodeURIComponent(target.auth.password!)}`,
        );
        throw new BrokenAnswer(`broken: ${res.text}`);
      },
    }),
    rule({
      id: 'ECHO-HDR-001',
      title: 'credential headers echoed back, in a skip reason',
      level: 'MUST',
      cite,
      faults: [],
      async check({ ctx, secret }) {
        secret(SECRETS.token);
        const res = await ctx.http.get('/echo', {
          headers: { cookie: `session=${encodeURIComponent(SECRETS.token)}`, 'x-auth-token': SECRETS.token },
        });
        throw new NotApplicable(`another admin holds the lock: ${res.text}`);
      },
    }),
    rule({
      id: 'ECHO-PFX-001',
      title: 'a PKCS#12 password and a PEM passphrase echoed back under field names no pattern knows',
      level: 'MUST',
      cite,
      faults: [],
      async check({ ctx, target, secret }) {
        secret(SECRETS.pfx);
        const res = await ctx.http.post('/echo', {
          json: { pfxPwd: SECRETS.pfx, keyPass: target.tls.passphrase, key: target.tls.key },
        });
        throw new Violation(`PFX refused: ${res.text}`);
      },
    }),
  ],
  async startMock() {
    throw new Error('the echo API has no mock');
  },
  mockTarget() {
    throw new Error('the echo API has no mock');
  },
  async connect({ http: client, target }) {
    const basic = Buffer.from(`${target.auth.username}:${target.auth.password}`).toString('base64');
    client.options.defaultHeaders = () => ({ authorization: `Basic ${basic}` });
    return { ctx: { http: client }, capability: async () => true, close: async () => undefined };
  },
});

/** Echoes method, URL, headers and body, as JSON (the body also re-quoted) or, for *.xml, as escaped XML. */
function echoServer(): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.url?.includes('.xml')) {
        res.writeHead(400, { 'content-type': 'application/xml' });
        res.end(
          `<echo><body>${xml(body)}</body><raw>${body}</raw><auth>${xml(req.headers.authorization ?? '')}</auth></echo>`,
        );
        return;
      }
      let parsed: unknown = body;
      try {
        parsed = JSON.parse(body);
      } catch {
        // a form body stays text
      }
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body, parsed }));
    });
  });
}

/** The forms a secret can take in a report, written out independently of the redactor. */
function encodings(secret: string): string[] {
  const json = (s: string) => JSON.stringify(s).slice(1, -1);
  const ascii = (s: string) =>
    s.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const numeric = (s: string) => s.replace(/[&<>"']|[^\x20-\x7e]/gu, (c) => `&#${c.codePointAt(0)};`);
  const forms = [
    secret,
    json(secret),
    json(json(secret)),
    json(json(json(secret))),
    ascii(json(secret)),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%20/g, '+'),
    new URLSearchParams({ s: secret }).toString().slice(2),
    xml(secret),
    xml(xml(secret)),
    json(xml(secret)),
    xml(json(secret)),
    numeric(secret),
    Buffer.from(secret).toString('base64'),
    Buffer.from(`${USER}:${secret}`).toString('base64'),
  ];
  // What follows each special character: a pattern that stops at the character would leak exactly this.
  const tails = secret
    .split(/["\\&<%]/)
    .slice(1)
    .filter((t) => t.length >= 5);
  return [...new Set([...forms, ...tails])];
}

describe('no secret in any encoding, from a device that echoes everything', () => {
  const server = echoServer();
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('results.json, junit.xml, summary.md, allure-results and stdout/stderr hold 0 occurrences', async () => {
    const dir = tempDir();
    const cert = readFileSync(repoPath('fixtures/pki/ca/test-ca.cert.pem'), 'utf8');
    const key = createPrivateKey(readFileSync(repoPath('fixtures/pki/ca/test-ca.key.pem')))
      .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: SECRETS.passphrase })
      .toString();
    const profile = writeTemp(
      dir,
      'echo.yaml',
      [
        'name: echo-device',
        'api: echo',
        `baseUrl: ${url}`,
        `auth: { scheme: basic, username: ${USER}, password: "\${ECHO_PW}" }`,
        'accounts: { readOnly: { username: ro, password: "${ECHO_RO_PW}" } }',
        'tls:',
        `  clientCert: { certFile: ${writeTemp(dir, 'c.pem', cert)}, keyFile: ${writeTemp(dir, 'k.pem', key)}, passphrase: "\${ECHO_PASSPHRASE}" }`,
      ].join('\n'),
    );
    Object.assign(process.env, {
      ECHO_PW: SECRETS.main,
      ECHO_RO_PW: SECRETS.readOnly,
      ECHO_PASSPHRASE: SECRETS.passphrase,
    });
    const printed: string[] = [];
    const written: string[] = [];
    const so = vi.spyOn(process.stdout, 'write').mockImplementation((c) => (written.push(String(c)), true));
    const se = vi.spyOn(process.stderr, 'write').mockImplementation((c) => (written.push(String(c)), true));
    const out = join(dir, 'out');
    let run;
    try {
      ({ run } = await runConformance({
        profiles: [profile],
        out,
        print: (...lines) => printed.push(...lines),
        apis: { echo: echoApi as unknown as AnyApi },
        record: true,
      }));
    } finally {
      so.mockRestore();
      se.mockRestore();
      for (const k of ['ECHO_PW', 'ECHO_RO_PW', 'ECHO_PASSPHRASE']) delete process.env[k];
    }
    // Every rule ran and quoted the echo: in a fail message, an error message, a skip reason.
    expect(run.results.map((r) => [r.rule, r.status])).toEqual([
      ['ECHO-JSON-001', 'fail'],
      ['ECHO-FORM-001', 'fail'],
      ['ECHO-XML-001', 'fail'],
      ['ECHO-QUERY-001', 'error'],
      ['ECHO-HDR-001', 'skip'],
      ['ECHO-PFX-001', 'fail'],
    ]);

    const artifacts = [
      ...readTree(out),
      { file: 'console (print)', text: printed.join('\n') },
      { file: 'stdout/stderr', text: written.join('') },
    ];
    expect(artifacts.map((a) => a.file)).toEqual(
      expect.arrayContaining([
        join(out, 'results.json'),
        join(out, 'junit.xml'),
        join(out, 'summary.md'),
        expect.stringMatching(/allure-results\/.*-result\.json$/),
        expect.stringMatching(/allure-results\/.*-attachment\.json$/),
        join(out, 'echo-device.har'),
      ]),
    );
    const leaks: string[] = [];
    for (const [name, secret] of Object.entries(SECRETS))
      for (const form of encodings(secret))
        for (const { file, text } of artifacts)
          if (text.includes(form)) leaks.push(`${name} as ${JSON.stringify(form)} in ${file}`);
    for (const { file, text } of artifacts)
      if (/PRIVATE KEY-----\s*[A-Za-z0-9+/]{16}/.test(text)) leaks.push(`a private key in ${file}`);
    expect(leaks).toEqual([]);

    // The echo is still there to read, masked: the reports keep their value.
    const results = artifacts.find((a) => a.file.endsWith('results.json'))!.text;
    expect(results).toContain('***');
    expect(results).toContain('the password has a quote');
    expect(printed.join('\n')).toContain('another admin holds the lock');
  });
});
