import type { RuleRun } from '../../../src/core/api.ts';
import { check, checkEqual, notApplicable, show } from '../../../src/core/check.ts';
import { KIND_LABEL, type RedfishCtx } from '../context.ts';
import { judgeSweep, type RekeyOutcome } from '../rekey.ts';
import { validatePayload } from '../schemas.ts';
import { rule } from '../rule.ts';

const label = (o: RekeyOutcome) => `${KIND_LABEL[o.cert.kind]} ${o.cert.uri}`;

/** Judges the sweep's Rekeys that answered 202 (a refused one leaves the rule not evaluated: RF-RESP-001's finding). */
function eachAsync(t: RuleRun<RedfishCtx>, judge: (o: RekeyOutcome) => void): Promise<void> {
  return judgeSweep(t, 'accepted', (rekeys) => {
    const list = rekeys.filter((o) => o.async);
    if (list.length === 0) notApplicable('every Rekey completed synchronously (no 202)');
    list.forEach(judge);
  });
}

export const asyncRules = [
  rule({
    id: 'RF-ASYNC-001',
    title: 'A 202 answer to Rekey carries a Location header with the task monitor URI',
    level: 'MUST',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'dsp0266',
      section: 'Asynchronous operations',
      quote:
        'Any response with a status code of 202 (Accepted) shall include a location header containing the URL of the Task Monitor',
    },
    faults: ['async-no-location'],
    async check(t) {
      await eachAsync(t, (o) => {
        check(o.location, `Rekey of the ${label(o)} answered 202 without a Location header`);
        // rekeyOnce resolved a URI reference (relative ones too) to an absolute path or URL.
        check(
          /^(https?:\/\/|\/)/.test(o.location),
          `Rekey of the ${label(o)}: Location ${show(o.location)} is not a URI reference`,
        );
      });
    },
  }),
  rule({
    id: 'RF-ASYNC-002',
    title: 'The 202 body is a Task whose TaskMonitor is the Location URI',
    level: 'SHOULD',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'dsp0266',
      section: 'Asynchronous operations',
      quote:
        'The response body of a 202 (Accepted) should contain an instance of the Task resource describing the state of the task.',
    },
    faults: ['async-body-not-task'],
    async check(t) {
      await eachAsync(t, (o) => {
        check(
          o.initialBody && typeof o.initialBody === 'object',
          `Rekey of the ${label(o)}: the 202 has no JSON body`,
        );
        const errors = validatePayload(o.initialBody);
        check(
          errors.length === 0,
          `Rekey of the ${label(o)}: the 202 body is not a valid Task: ${errors.join('; ')}`,
        );
        if (o.location) {
          const path = (u: unknown) => (typeof u === 'string' ? new URL(u, t.target.baseUrl).pathname : u);
          checkEqual(
            path(o.initialBody.TaskMonitor),
            path(o.location),
            `Rekey of the ${label(o)}: Task.TaskMonitor vs Location`,
          );
        }
      });
    },
  }),
  rule({
    id: 'RF-ASYNC-003',
    title: 'The task monitor answers 202 as long as the Rekey task is running',
    level: 'MUST',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'dsp0266',
      section: 'Asynchronous operations',
      quote:
        'As long as the operation is in process, the service shall continue to return a status code of 202 (Accepted) when querying the Task Monitor',
    },
    faults: ['monitor-200-while-running'],
    async check(t) {
      await eachAsync(t, (o) => {
        check(o.monitor, `Rekey of the ${label(o)}: no task monitor to poll`);
        check(
          o.earlyAnswers.length === 0,
          `task monitor of the ${label(o)} Rekey answered ${o.earlyAnswers.join('; ')}`,
        );
      });
    },
  }),
  rule({
    id: 'RF-ASYNC-004',
    title:
      'When the task is done, the monitor answers 200 with the RekeyResponse, as if the Rekey had completed synchronously',
    level: 'MUST',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'dsp0266',
      section: 'Asynchronous operations',
      quote:
        'include the headers and response body of the initial operation, as if it had been completed synchronously',
    },
    faults: ['monitor-final-204'],
    async check(t) {
      await eachAsync(t, (o) => {
        // DSP0266 sets no time limit; the profile does (timeouts.operationMs): a Rekey that has not produced its
        // CSR by then is this rule's finding, saying what the Task last reported.
        const snaps = [...o.tasks.values()].flat();
        const state = snaps[snaps.length - 1]?.body?.TaskState;
        check(
          o.final,
          `task monitor of the ${label(o)} Rekey still answered 202 ${t.target.timeouts.operationMs} ms after the Rekey was sent (timeouts.operationMs)${state ? `; its Task was last ${show(state)}` : ''}`,
        );
        check(
          o.final.status === 200,
          `task monitor of the ${label(o)} Rekey finally answered ${o.final.status} ${show(o.final.text)}, expected 200 with the RekeyResponse`,
        );
        check(
          typeof o.finalBody?.CSRString === 'string',
          `task monitor of the ${label(o)} Rekey answered 200 without CSRString: ${show(o.final.text)}`,
        );
      });
    },
  }),
];
