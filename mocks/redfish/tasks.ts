import type { Answer } from './answers.ts';
import type { RedfishContext } from './context.ts';
import { U, type MockCert, type MockTask } from './state.ts';

/**
 * A task finishes on its third read (Task or monitor), so a client always sees it running first whatever the
 * machine load; one nobody reads finishes after TASK_MAX_MS, long enough that no busy machine's pause between a
 * Rekey and the first read of its Task (a rule judging the running Task) outlasts it.
 */
const TASK_READS = 3;
const TASK_MAX_MS = 60_000;

/** One read of a task: reports whether the operation is done (and counts the read). */
export function progress(t: MockTask): boolean {
  const done = t.reads >= TASK_READS || Date.now() - t.start.getTime() >= TASK_MAX_MS;
  t.reads++;
  if (done) t.endTime ??= new Date();
  return done;
}

export function taskJson(
  { cfg, has }: RedfishContext,
  t: MockTask,
  finished: boolean,
): Record<string, unknown> {
  // The fault keeps only the LDAP certificate's Task running: every Task would make each Rekey wait out its deadline.
  const done = finished && !(has('task-state-not-updated') && t.kind === 'ldap');
  const started = {
    MessageId: 'TaskEvent.1.0.3.TaskStarted',
    Message: `The task with Id '${t.id}' has started.`,
    MessageArgs: [t.id],
    MessageSeverity: 'OK',
  };
  const completed = {
    MessageId: 'TaskEvent.1.0.3.TaskCompletedOK',
    Message: `The task with Id '${t.id}' has completed.`,
    MessageArgs: [t.id],
    MessageSeverity: 'OK',
  };
  return {
    '@odata.id': t.uri,
    '@odata.type': '#Task.v1_7_4.Task',
    Id: t.id,
    Name: `Task ${t.id}`,
    TaskState: done ? 'Completed' : 'Running',
    StartTime: t.start.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ...(done || has('task-endtime-while-running')
      ? { EndTime: (t.endTime ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z') }
      : {}),
    ...(done || has('task-status-while-running') || (has('ami-task-status-early') && !cfg.async)
      ? { TaskStatus: 'OK' }
      : {}),
    PercentComplete: done ? 100 : 50,
    TaskMonitor: t.monitor,
    Messages: done ? [started, completed] : [started],
    HidePayload: false,
    Payload: t.payload,
  };
}

/** A task for an operation on a certificate; `final` is what its monitor answers once it is done. */
export function createTask(
  { has, state }: RedfishContext,
  c: MockCert,
  target: string,
  raw: string,
  final: Answer,
): MockTask {
  const id = String(state.next.task++);
  const t: MockTask = {
    id,
    uri: `${U}/TaskService/Tasks/${id}`,
    monitor: `${U}/TaskService/TaskMonitors/${id}`,
    kind: c.kind,
    start: new Date(),
    reads: 0,
    final,
    payload: {
      TargetUri: target,
      HttpOperation: 'POST',
      ...(has('task-payload-echoes-password') ? { JsonBody: raw } : {}),
    },
    monitorReads: 0,
  };
  state.tasks.set(id, t);
  return t;
}

/** A read of the task monitor: the Task while it runs, then the operation's own answer. */
export function monitorAnswer(ctx: RedfishContext, t: MockTask): Answer {
  const { cfg, has, err } = ctx;
  if (!progress(t))
    return { status: has('monitor-200-while-running') ? 200 : 202, body: taskJson(ctx, t, false) };
  const gone = (has('monitor-final-204') && t.kind === 'ldap') || (has('ami-task-monitor-204') && !cfg.async);
  if (gone)
    return t.monitorReads++ === 0 ? { status: 204 } : err(404, 'ResourceNotFound', ['TaskMonitor', t.id]);
  return { status: t.final.status, body: t.final.body };
}
