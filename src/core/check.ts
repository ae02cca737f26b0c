import { isDeepStrictEqual } from 'node:util';
import { NotApplicable, Violation } from './errors.ts';

/** Assertions used by rules. Each failure names the documented thing and says expected vs actual. */

export function violation(message: string): never {
  throw new Violation(message);
}

export function notApplicable(reason: string): never {
  throw new NotApplicable(reason);
}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Violation(message);
}

export function show(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 200 ? value.slice(0, 200) + '…' : value);
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 300 ? text.slice(0, 300) + '…' : text;
}

export function checkEqual<T>(actual: T, expected: T, what: string): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new Violation(`${what}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

export function checkOneOf<T>(actual: T, allowed: readonly T[], what: string): void {
  if (!allowed.some((a) => isDeepStrictEqual(a, actual))) {
    throw new Violation(
      `${what}: expected one of ${allowed.map((a) => show(a)).join(', ')}, got ${show(actual)}`,
    );
  }
}

export function checkMatch(actual: unknown, pattern: RegExp, what: string): void {
  if (typeof actual !== 'string' || !pattern.test(actual)) {
    throw new Violation(`${what}: expected a string matching ${pattern}, got ${show(actual)}`);
  }
}
