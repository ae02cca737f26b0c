import { HttpClient } from '../../../src/http/client.ts';
import { check, confirmServerError, show } from '../../../src/core/check.ts';
import type { RuleRun } from '../../../src/core/api.ts';
import type { SbcClient } from '../client.ts';
import { MESSAGES } from '../client.ts';
import { plainHttpUrl } from '../params.ts';
import { rule } from '../rule.ts';

/** GET /rest/api/supportedversions over plain HTTP, with a client of its own (the target's is HTTPS). */
async function plainHttpAnswer(t: RuleRun<SbcClient>) {
  const url = plainHttpUrl(t.target, t.ctx.params)!;
  const http = new HttpClient({
    baseUrl: url,
    timeoutMs: t.target.timeouts.requestMs,
    redactor: t.ctx.redactor,
    // The target's proxy (a lab SBC behind a jump host is reached the same way over plain HTTP).
    ...(t.target.proxy ? { proxy: t.target.proxy } : {}),
  });
  try {
    return await http.get('/rest/api/supportedversions', {
      headers: { accept: 'application/xml' },
      noRetry: true,
    });
  } finally {
    http.close();
  }
}

export const plainHttpRefused = rule({
  id: 'SBC-TRN-001',
  title: 'A plain-HTTP request is refused with 426 Upgrade Required.',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§1 Transport, media types, versions: Scheme',
    quote: 'HTTPS only; plain HTTP → 426 Upgrade Required',
  },
  auth: 'none',
  unversioned: true,
  requires: ['plain-http-listener'],
  judgesServerErrors: true,
  faults: ['plain-http-served'],
  async check(t) {
    const res = await confirmServerError(() => plainHttpAnswer(t));
    check(
      res.status === 426,
      `GET ${res.url} over plain HTTP: expected 426 Upgrade Required, got ${res.status}`,
    );
  },
});

export const plainHttpMessage = rule({
  id: 'SBC-TRN-002',
  title: 'The 426 answer to plain HTTP says "Client must connect with HTTPS".',
  level: 'MUST',
  cite: {
    source: 'sbc-notes',
    section: '§2 Envelope: documented message strings',
    quote: '426 "Client must connect with HTTPS"',
  },
  auth: 'none',
  unversioned: true,
  requires: ['plain-http-listener'],
  faults: ['plain-http-served', 'upgrade-message-missing'],
  async check(t) {
    const res = await plainHttpAnswer(t);
    check(
      res.status === 426,
      `GET ${res.url} over plain HTTP: expected 426 "${MESSAGES.https}", got ${res.status}`,
    );
    check(
      res.text.includes(MESSAGES.https),
      `426 body: expected the message "${MESSAGES.https}", got ${show(res.text.trim())}`,
    );
  },
});

export const httpsRules = [plainHttpRefused, plainHttpMessage];
