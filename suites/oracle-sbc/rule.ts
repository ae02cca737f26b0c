import { ruleFactory } from '../../src/core/api.ts';
import { atHeader, atStatus, check, checkEqual, show } from '../../src/core/check.ts';
import type { HttpResponse } from '../../src/http/client.ts';
import type { Fault } from '../../mocks/oracle-sbc/faults.ts';
import type { Capability } from './capabilities.ts';
import type { SbcClient } from './client.ts';
import { MESSAGES } from './client.ts';
import type { Source } from './sources.ts';
import { envelope, xmlAt } from './xml.ts';
import { BrokenAnswer, CredentialsRejected } from '../../src/core/errors.ts';

const define = ruleFactory<SbcClient, Source, Fault, Capability>();
type SbcRule = Parameters<typeof define>[0];

/**
 * Every oracle-sbc rule is built with this: sources, faults and capabilities are checked by the compiler.
 * The device has one configuration lock, so rules run one at a time (with their cleanups) even when the
 * profile raises the concurrency. Every rule needs the REST version the suite uses (capability api-version),
 * except the few that send only unversioned requests (`unversioned`: discovery, plain HTTP).
 */
export function rule(r: SbcRule & { unversioned?: true }): SbcRule {
  const { unversioned, ...def } = r;
  return define({
    ...def,
    requires: unversioned ? def.requires : ['api-version', ...(def.requires ?? [])],
    check: (t) => t.ctx.oneAtATime(t, () => def.check(t)),
  });
}

const where = (res: HttpResponse) => `${res.method} ${new URL(res.url).pathname}${new URL(res.url).search}`;

export function expectStatus(res: HttpResponse, expected: number, what = where(res)): void {
  check(
    res.status === expected,
    `${what}: expected HTTP ${expected}, got ${res.status}${res.text ? ` (${show(res.text.trim())})` : ''}`,
    atStatus(res),
  );
}

/** 423 with exactly the documented message for the situation (and not the other one). */
export function expectLocked(
  res: HttpResponse,
  message: typeof MESSAGES.lockedByOther | typeof MESSAGES.noLock,
  what = where(res),
): void {
  check(
    res.status === 423,
    `${what}: expected 423 "${message}", got ${res.status}${res.text ? ` (${show(res.text.trim())})` : ''}`,
    atStatus(res),
  );
  const other = message === MESSAGES.noLock ? MESSAGES.lockedByOther : MESSAGES.noLock;
  expectMessage(res, message, what);
  check(
    !res.text.includes(other),
    `${what}: expected the 423 message "${message}", got ${show(res.text.trim())}`,
    xmlAt(res, '/response/messages'),
  );
}

/**
 * The documented message text anywhere in the answer's envelope (element names are not documented). A garbled
 * body is a broken answer, not a missing message.
 */
export function expectMessage(res: HttpResponse, message: string, what = where(res)): void {
  try {
    envelope(res, what);
  } catch (err) {
    // Only a garbled body matters here; the envelope format is SBC-TRN-003/004's requirement.
    if (err instanceof BrokenAnswer) throw err;
  }
  check(
    res.text.includes(message),
    `${what}: expected the ${res.status} message "${message}", got ${show(res.text.trim())}`,
    xmlAt(res, '/response/messages'),
  );
}

/**
 * The answer is the SBC's envelope as documented: application/xml, a `<response>` root with data, messages and
 * links (sbc-notes §2: "Every body (success and error) is …"). For the rule that owns the answer's operation.
 */
export function expectEnvelope(res: HttpResponse, what = where(res)): void {
  checkEqual(res.contentType, 'application/xml', `${what}: Content-Type`, atHeader(res, 'Content-Type'));
  const env = envelope(res, what);
  check(
    env.missing.length === 0,
    `${what}: the <response> envelope lacks ${env.missing.join(', ')}`,
    xmlAt(res, `/response/${env.missing[0]}`),
  );
}

export function isSuccess(res: HttpResponse): boolean {
  return res.status >= 200 && res.status < 300;
}

/** A login refused with 401/403 in a rule that logs in itself: the profile's credentials, not a finding. */
export function rejectedLogin(res: HttpResponse, username: string): void {
  if (res.status === 401 || res.status === 403)
    throw new CredentialsRejected(
      `credentials for ${username} were rejected by ${new URL(res.url).origin}: ${res.status}`,
    );
}
