/** A documented requirement is not met by the target. Becomes `fail` (MUST/VENDOR) or `warn` (SHOULD). */
export class Violation extends Error {
  override name = 'Violation';
}

/** The rule does not apply to this target; the message is the reason. */
export class NotApplicable extends Error {
  override name = 'NotApplicable';
}

/** The harness could not talk to the target (connection, TLS, timeout). Always `error`, never `fail`. */
export class TransportError extends Error {
  override name = 'TransportError';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/**
 * The target has not finished something in the time the profile allows, and is still visibly working on it
 * (e.g. a certificate still "pending"). Not proof of a violation: `error`, with what was seen.
 */
export class Inconclusive extends Error {
  override name = 'Inconclusive';
}

/** A usage problem: bad profile, bad option, missing env var. Exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
