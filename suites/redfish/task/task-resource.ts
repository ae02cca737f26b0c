import { check, notApplicable, show, violation } from '../../../src/core/check.ts';
import { discover, memberUris, type Json } from '../context.ts';
import { judgeSweep, TERMINAL_TASK_STATES, type RekeyOutcome, type TaskSnapshot } from '../rekey.ts';
import { validatePayload } from '../schemas.ts';
import { rule } from '../rule.ts';

/**
 * Every Task the Rekeys of the sweep created, with every GET of it (the rules judge them in `judgeSweep`: a refused
 * Rekey, which created none, leaves them not evaluated).
 */
function rekeyTasks(rekeys: RekeyOutcome[]): Array<[string, TaskSnapshot[]]> {
  const tasks = rekeys.flatMap((o) => [...o.tasks.entries()]);
  if (tasks.length === 0)
    notApplicable('no Rekey created a Task (neither a 202 Task nor a new member of the Tasks collection)');
  return tasks;
}

const isTerminal = (body: Json) => TERMINAL_TASK_STATES.includes(body?.TaskState);

export const taskRules = [
  rule({
    id: 'RF-TASK-001',
    title: 'GET on a Rekey Task answers 200 with a Task that validates against its schema',
    level: 'MUST',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'dsp0266',
      section: 'Asynchronous operations',
      quote:
        'GET requests to either the Task Monitor or the Task resource shall return the current status of the operation without blocking.',
    },
    faults: ['task-get-202'],
    async check(t) {
      await judgeSweep(t, 'accepted', async (rekeys) => {
        for (const [uri, snaps] of rekeyTasks(rekeys)) {
          for (const s of snaps) {
            check(
              s.status === 200,
              `GET ${uri} answered ${s.status}; a Task resource answers 200 (only the task monitor answers 202)`,
            );
            const errors = validatePayload(s.body);
            check(errors.length === 0, `${uri} does not validate as a Task: ${errors.join('; ')}`);
          }
        }
      });
    },
  }),
  rule({
    id: 'RF-TASK-002',
    title:
      'A Rekey Task has EndTime only once it is Completed, Killed, Cancelled or Exception, never before StartTime',
    level: 'MUST',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'task-schema',
      section: '#/definitions/Task/properties/EndTime',
      quote: 'This property shall not appear if the task is running or otherwise has not been completed.',
    },
    faults: ['task-endtime-while-running'],
    async check(t) {
      await judgeSweep(t, 'accepted', async (rekeys) => {
        for (const [uri, snaps] of rekeyTasks(rekeys)) {
          for (const s of snaps.filter((x) => x.body)) {
            if (isTerminal(s.body)) {
              check(typeof s.body.EndTime === 'string', `${uri} is ${s.body.TaskState} but has no EndTime`);
              if (typeof s.body.StartTime === 'string')
                check(
                  Date.parse(s.body.EndTime) >= Date.parse(s.body.StartTime),
                  `${uri}: EndTime ${s.body.EndTime} is before StartTime ${s.body.StartTime}`,
                );
            } else {
              check(
                !('EndTime' in s.body),
                `${uri} is ${show(s.body.TaskState)} yet has EndTime ${show(s.body.EndTime)}`,
              );
            }
          }
        }
      });
    },
  }),
  rule({
    id: 'RF-TASK-003',
    title: 'A Rekey Task has no TaskStatus until it completes',
    level: 'MUST',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'task-schema',
      section: '#/definitions/Task/properties/TaskStatus',
      quote:
        'This property shall contain the completion status of the task and shall not be set until the task completes.',
    },
    faults: ['task-status-while-running', 'ami-task-status-early'],
    async check(t) {
      await judgeSweep(t, 'accepted', async (rekeys) => {
        let running = 0;
        for (const [uri, snaps] of rekeyTasks(rekeys)) {
          for (const s of snaps.filter((x) => x.body && !isTerminal(x.body))) {
            running++;
            check(
              !('TaskStatus' in s.body),
              `${uri} is ${show(s.body.TaskState)} yet has TaskStatus ${show(s.body.TaskStatus)}`,
            );
          }
        }
        t.note(`${running} snapshot(s) of a running Task examined`);
        if (running === 0) notApplicable('every Rekey Task was already finished when first read');
      });
    },
  }),
  rule({
    id: 'RF-TASK-004',
    title: 'A Rekey Task is listed in TaskService Tasks',
    level: 'MUST',
    destructive: true,
    requires: ['rekey', 'task-service'],
    cite: {
      source: 'dsp0266',
      section: 'Asynchronous operations',
      quote: 'Services that support asynchronous operations shall implement the Task resource',
    },
    faults: ['task-not-listed'],
    async check(t) {
      await judgeSweep(t, 'accepted', async (rekeys) => {
        const d = await discover(t);
        const tasks = rekeyTasks(rekeys);
        const members = new Set(await memberUris(t.ctx.http, d.tasksUri!));
        for (const [uri] of tasks) check(members.has(uri), `${uri} is not a member of ${d.tasksUri}`);
      });
    },
  }),
  rule({
    id: 'RF-TASK-005',
    title: 'Once the Rekey result is out, its Task reaches a terminal TaskState',
    level: 'MUST',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'dsp0266',
      section: 'Asynchronous operations',
      quote:
        'After the operation has been completed, the service shall update the TaskState with the appropriate value.',
    },
    faults: ['task-state-not-updated'],
    async check(t) {
      await judgeSweep(t, 'accepted', async (rekeys) => {
        for (const [uri, snaps] of rekeyTasks(rekeys)) {
          const last = snaps[snaps.length - 1];
          check(
            last?.body && isTerminal(last.body),
            `${uri} is still ${show(last?.body?.TaskState)} after the Rekey result was returned, ${t.target.timeouts.operationMs} ms after the Rekey was sent (timeouts.operationMs; expected one of ${TERMINAL_TASK_STATES.join(', ')})`,
          );
        }
      });
    },
  }),
  rule({
    id: 'RF-TASK-006',
    title: 'The Rekey task monitor refuses a request without credentials',
    level: 'MUST',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'dsp0266',
      section: 'Security — Certificates, authentication, privileges',
      quote:
        'the information in the status object shall be used to enforce the privilege(s) required to access that object',
    },
    faults: ['monitor-without-auth'],
    async check(t) {
      await judgeSweep(t, 'accepted', async (rekeys) => {
        const monitors = rekeys.map((o) => o.monitor).filter((m): m is string => typeof m === 'string');
        if (monitors.length === 0) notApplicable('no Rekey answered with a task monitor');
        for (const m of monitors) {
          const res = await t.ctx.http.get(m, { noDefaultHeaders: true, noRetry: true });
          if (res.status === 404 || res.status === 410)
            notApplicable(`the task monitor ${m} is gone (${res.status})`);
          check(
            res.status === 401,
            `GET ${m} without credentials answered ${res.status}, expected 401 ${res.status < 300 ? `with ${show(res.text)}` : ''}`,
          );
        }
      });
    },
  }),
  rule({
    id: 'RF-TASK-007',
    title:
      'When a Rekey answers 200 and creates a Task, its TaskMonitor answers 202 while the Task runs, then 200 with the RekeyResponse',
    level: 'MUST',
    destructive: true,
    requires: ['rekey'],
    cite: {
      source: 'dsp0266',
      section: 'Asynchronous operations',
      quote:
        'After the operation has been completed, the Task Monitor shall return the appropriate status code (such as, but not limited to, OK 200 for most operations, Created 201 for POST to create a resource) and include the headers and response body of the initial operation, as if it had been completed synchronously.',
    },
    faults: ['ami-task-monitor-204'],
    async check(t) {
      await judgeSweep(t, 'accepted', async (rekeys) => {
        const traces = rekeys.flatMap((o) => [...o.taskMonitors.entries()].map((e) => ({ o, e })));
        if (traces.length === 0)
          notApplicable('no Rekey answered 200 and created a Task that names a TaskMonitor');
        let judged = 0;
        for (const {
          o,
          e: [uri, m],
        } of traces) {
          check(
            m.earlyAnswers.length === 0,
            `TaskMonitor ${m.monitor} of ${uri} answered ${m.earlyAnswers.join('; ')}`,
          );
          check(
            m.final,
            `TaskMonitor ${m.monitor} of ${uri} still answered 202 ${t.target.timeouts.operationMs} ms after the Rekey was sent (timeouts.operationMs), although the Rekey had answered 200 with its result`,
          );
          const snaps = o.tasks.get(uri) ?? [];
          const taskGone = [404, 410].includes(snaps[snaps.length - 1]?.status ?? 0);
          // DSP0266 lets a service drop a finished Task (404/410 on both); a monitor that alone is gone is not that.
          if ([404, 410].includes(m.final.status) && taskGone) {
            t.note(`${uri} and its monitor were already deleted (${m.final.status})`);
            continue;
          }
          if (m.finalProblem) violation(`TaskMonitor ${m.monitor} of ${uri}: ${m.finalProblem}`);
          check(
            m.final.status === 200 && typeof m.finalBody?.CSRString === 'string',
            `TaskMonitor ${m.monitor} of ${uri} (Rekey of ${o.cert.uri}) finally answered ${m.final.status} ${show(m.final.text)}, expected 200 with the RekeyResponse`,
          );
          judged++;
        }
        // Every Task was already deleted with its monitor (allowed): nothing about the monitor was verified.
        if (judged === 0)
          notApplicable('every Task created by a Rekey and its TaskMonitor were already deleted');
      });
    },
  }),
];
