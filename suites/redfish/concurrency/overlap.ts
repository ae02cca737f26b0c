import { check, show } from '../../../src/core/check.ts';
import { primaryCert } from '../context.ts';
import { messageIds } from '../expect.ts';
import { rekeyOnce, requireCsr, requireCsrOf, sweepBody, type RekeyOutcome } from '../rekey.ts';
import { rule } from '../rule.ts';

/** A busy answer as DSP0266 describes it: 503 + Retry-After or 409, with an extended error. */
function busyAnswer(o: RekeyOutcome): boolean {
  const { status } = o.initial;
  if (status !== 503 && status !== 409) return false;
  const body = o.initialBody;
  check(messageIds(body).length > 0, `overlapping Rekey answered ${status} without an extended error`);
  if (status === 503)
    check(
      o.initial.header('retry-after') !== undefined,
      'overlapping Rekey answered 503 without Retry-After',
    );
  return true;
}

export const concurrencyRules = [
  rule({
    id: 'RF-CONC-001',
    title:
      'Two overlapping Rekeys of one certificate both succeed with different keys, or the second is told to retry (503 + Retry-After, or 409)',
    level: 'SHOULD',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'dsp0266',
      section: 'Status codes',
      quote:
        'The service is currently unable to handle the request due to temporary overloading or maintenance of the service.',
    },
    faults: ['concurrent-rekey-500', 'rekey-reuses-current-key', 'rekey-repeats-pending-key'],
    judgesServerErrors: true,
    async check(t) {
      const cert = await primaryCert(t);
      // A 5xx is this rule's finding only when it comes back: a transient error page is not a concurrency bug.
      let both: RekeyOutcome[] = [];
      for (let attempt = 1; attempt <= 3; attempt++) {
        both = await Promise.all([rekeyOnce(t, cert, sweepBody(t)), rekeyOnce(t, cert, sweepBody(t))]);
        if (!both.some((o) => o.initial.status >= 500 && o.initial.status !== 503)) break;
        t.note(
          `attempt ${attempt}: an overlapping Rekey answered ${both.map((o) => o.initial.status).join(' and ')}`,
        );
      }
      const done = both.filter((o) => !busyAnswer(o));
      for (const o of done) {
        check(
          [200, 202].includes(o.initial.status),
          `overlapping Rekey of ${cert.uri} answered ${o.initial.status} ${show(o.initial.text)}${o.initial.status >= 500 ? ' (a server error in each of 3 attempts)' : ''}`,
        );
        await requireCsrOf(t, o);
      }
      check(done.length > 0, `both overlapping Rekeys of ${cert.uri} were turned away`);
      if (done.length === 2)
        check(
          !requireCsr(done[0]!).spki.equals(requireCsr(done[1]!).spki),
          'two overlapping Rekeys returned the same key',
        );
    },
  }),
];
