import { ruleFactory } from '../../src/core/api.ts';
import { check, show } from '../../src/core/check.ts';
import type { HttpResponse } from '../../src/http/client.ts';
import type { Fault } from '../../mocks/oracle-sbc/faults.ts';
import type { Capability } from './capabilities.ts';
import type { SbcClient } from './client.ts';
import { MESSAGES } from './client.ts';
import type { Source } from './sources.ts';

const define = ruleFactory<SbcClient, Source, Fault, Capability>();

/**
 * Every oracle-sbc rule is built with this: sources, faults and capabilities are checked by the compiler.
 * The device has one configuration lock, so rules run one at a time (with their cleanups) even when the
 * profile raises the concurrency.
 */
export const rule: typeof define = (r) =>
  define({ ...r, check: (t) => t.ctx.oneAtATime(t, () => r.check(t)) });

const where = (res: HttpResponse) => `${res.method} ${new URL(res.url).pathname}${new URL(res.url).search}`;

export function expectStatus(res: HttpResponse, expected: number, what = where(res)): void {
  check(
    res.status === expected,
    `${what}: expected HTTP ${expected}, got ${res.status}${res.text ? ` (${show(res.text.trim())})` : ''}`,
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
  );
  const other = message === MESSAGES.noLock ? MESSAGES.lockedByOther : MESSAGES.noLock;
  check(
    res.text.includes(message) && !res.text.includes(other),
    `${what}: expected the 423 message "${message}", got ${show(res.text.trim())}`,
  );
}

export function isSuccess(res: HttpResponse): boolean {
  return res.status >= 200 && res.status < 300;
}
