import { collection, ref } from '../answers.ts';
import type { RedfishContext } from '../context.ts';
import { U } from '../state.ts';
import { monitorAnswer, progress, taskJson } from '../tasks.ts';

const MONITORS = `${U}/TaskService/TaskMonitors/`;

/** The TaskService: its Tasks and the task monitors an async operation's 202 points to. */
export function registerTaskService(ctx: RedfishContext): void {
  const { has, err, routes, state } = ctx;

  routes.resource((path) => {
    if (path === `${U}/TaskService`)
      return {
        '@odata.id': path,
        '@odata.type': '#TaskService.v1_3_0.TaskService',
        Id: 'TaskService',
        Name: 'Task Service',
        ServiceEnabled: has('service-resource-schema-invalid') ? 'yes' : true,
        Tasks: ref(`${path}/Tasks`),
      };
    if (path === `${U}/TaskService/Tasks`)
      return collection(
        path,
        '#TaskCollection.TaskCollection',
        'Tasks',
        has('task-not-listed') ? [] : [...state.tasks.values()].map((t) => t.uri),
      );
    return undefined;
  });

  routes.authenticated({
    match: ({ path }) => path.startsWith(MONITORS) || path.startsWith(`${U}/TaskService/Tasks/`),
    anonymous: ({ path, method }) =>
      path.startsWith(MONITORS) && has('monitor-without-auth') && method === 'GET'
        ? { username: 'anonymous', role: 'ReadOnly' }
        : undefined,
    answer: ({ path, method }) => {
      const id = path.split('/').pop()!;
      const t = state.tasks.get(id);
      if (!t) return err(404, 'ResourceNotFound', ['Task', id]);
      if (method !== 'GET') return err(405, 'OperationNotAllowed', [], { Allow: routes.allowFor(path) });
      if (path.startsWith(MONITORS)) return monitorAnswer(ctx, t);
      return { status: has('task-get-202') ? 202 : 200, body: taskJson(ctx, t, progress(t)) };
    },
  });
}
