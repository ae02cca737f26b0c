import type { RuleRun } from '../../../src/core/api.ts';
import { check, confirmServerError, show } from '../../../src/core/check.ts';
import { MESSAGES, type SbcClient } from '../client.ts';
import { expectEnvelope, expectLocked, expectStatus, rule } from '../rule.ts';
import { envelope } from '../xml.ts';

const ASYNC = {
  source: 'sbc-notes',
  section: '§5.4 Related config calls: management',
  quote: 'asynchronous, 202 Accepted + <links><link> to poll',
} as const;

/**
 * Runs one management action under the lock: 202 (an envelope) with a link, polled (each answer an envelope)
 * until operationState reports that operation and success. The documents give no duration: a task still
 * unfinished after the profile's timeouts.operationMs is reported, never waited for without end.
 */
async function runAction(t: RuleRun<SbcClient>, action: 'save' | 'verify' | 'activate') {
  await t.ctx.acquire(t);
  // The owner of "the action is served": management() reports a 404, 405 or 501 as this rule's finding.
  const res = await t.ctx.management(action);
  const verb = action === 'activate' ? 'POST' : 'PUT';
  expectStatus(res, 202, `${verb} configuration/management?action=${action}`);
  expectEnvelope(res, `${action}: 202 answer`);
  const link = envelope(res).links[0];
  check(link, `${verb} configuration/management?action=${action}: 202 without a <links><link> to poll`);
  const state = await t.ctx.poll(link, (answer) => expectEnvelope(answer, `${action}: poll answer`));
  t.note(`${action}: ${state.polls} poll(s) of ${link}`);
  check(
    state.finished,
    `${action} task: operationState/status still ${show(state.status)} after ${state.polls} polls over timeouts.operationMs (${t.target.timeouts.operationMs} ms), the longest the profile lets a task take`,
  );
  check(
    state.operation === action,
    `${action} task: expected operationState/operation "${action}", got ${show(state.operation)}`,
  );
  check(
    state.status === 'success',
    `${action} task: expected operationState/status "success", got ${show(state.status)}`,
  );
}

export const saveConfig = rule({
  id: 'SBC-MGT-001',
  title:
    'Saving the configuration answers 202 with a link, and polling it reports operation save, status success.',
  level: 'MUST',
  cite: ASYNC,
  destructive: true,
  faults: ['save-without-poll-link', 'content-type-not-xml'],
  check: (t) => runAction(t, 'save'),
});

export const verifyConfig = rule({
  id: 'SBC-MGT-002',
  title:
    'Verifying the configuration answers 202 with a link, and polling it reports operation verify, status success.',
  level: 'MUST',
  cite: ASYNC,
  destructive: true,
  faults: ['verify-reports-wrong-operation', 'content-type-not-xml'],
  check: (t) => runAction(t, 'verify'),
});

export const activateConfig = rule({
  id: 'SBC-MGT-003',
  title:
    'Activating the configuration answers 202 with a link, and polling it reports operation activate, status success.',
  level: 'MUST',
  cite: ASYNC,
  destructive: true,
  faults: ['activate-reports-failure', 'content-type-not-xml'],
  check: (t) => runAction(t, 'activate'),
});

export const saveNeedsLock = rule({
  id: 'SBC-MGT-004',
  title: 'Saving the configuration without the lock answers 423 "User does not have the lock".',
  level: 'MUST',
  cite: { source: 'sbc-notes', section: '§5.4 Related config calls: management', quote: 'lock required' },
  destructive: true,
  judgesServerErrors: true,
  faults: ['management-without-lock', 'lock-messages-swapped'],
  async check(t) {
    await t.ctx.ensureLockFree(t);
    const res = await confirmServerError(() => t.ctx.management('save'));
    expectLocked(
      res,
      MESSAGES.noLock,
      'PUT configuration/management?action=save while nobody holds the lock',
    );
  },
});

export const managementRules = [saveConfig, verifyConfig, activateConfig, saveNeedsLock];
