import type { Evidence } from '../http/evidence.ts';

/**
 * Where in the answer under test a violation is: a JSON pointer into `body` (or an XPath, or "header X"), the
 * body it points into and the exchange that answered it. Reports show the offending part first.
 */
export interface ViolationAt {
  pointer: string;
  /** The parsed body the pointer is into; without it, `value` is shown as it is. */
  body?: unknown;
  /** The offending value, when there is no body to point into (a header, an XML element's text). */
  value?: unknown;
  /** The exchange whose answer holds it (found from `body` when it came from `HttpResponse.json()`). */
  exchange?: Evidence;
}

/** A documented requirement is not met by the target. Becomes `fail` (MUST/VENDOR) or `warn` (SHOULD). */
export class Violation extends Error {
  override name = 'Violation';
  constructor(
    message: string,
    /** The offending part of the answer, when the rule can name it. */
    readonly at?: ViolationAt,
  ) {
    super(message);
  }
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
 * An answer the harness cannot use: a body that does not parse as the media type it declares, or an unexpected
 * status on a helper request that is not the rule's subject. Always `error`: nothing was learnt about the
 * requirement. (A rule whose requirement *is* the status or the format checks it itself and throws a Violation.)
 */
export class BrokenAnswer extends Error {
  override name = 'BrokenAnswer';
}

/**
 * A setup the rule depends on did not work (a shared renewal, a discovery step, a scratch object). Always
 * `error`: "precondition <name> failed", naming the rule that owns that requirement when there is one. With an
 * owner it is one cause, one finding: the owner fails, and reports group the rules it left not evaluated under `what`.
 */
export class PreconditionFailed extends Error {
  override name = 'PreconditionFailed';
  constructor(
    message: string,
    /** "precondition <name> failed", the same for every rule that meets it, and the rule whose requirement it is. */
    readonly failed?: { what: string; owner: string },
  ) {
    super(message);
  }
}

/**
 * An operation the rule needs is not served at all: the request was answered 404, 405 or 501 where the operation
 * is advertised or documented (or the target is a read-only capture). One cause, one finding: only the rule that
 * owns "this operation is served" (`owner`) can fail by it; for every other rule it is `error` "not evaluated:
 * <cause>", and reports group those rules under the cause.
 */
export class NotServed extends Error {
  override name = 'NotServed';
  constructor(
    /** Short and the same for every rule that meets it, e.g. "Rekey not served (405)": reports group by it. */
    readonly what: string,
    /** The rule whose requirement it is that the operation is served, when a document requires it. */
    readonly owner?: string,
    /** The answer that showed it, in one line. */
    readonly detail?: string,
  ) {
    super(detail ? `${what}: ${detail}` : what);
  }
}

/**
 * The target's state prevents evaluation: a configuration lock another session holds, a device that answers
 * "busy" (503), a scratch object already on the device. Not a capability the device lacks (a skip) and not a
 * finding (a fail): `error` "not evaluated: <what>", reports group the rules under `what` in the target's
 * headline, and the run exits 3.
 */
export class Blocked extends Error {
  override name = 'Blocked';
  constructor(
    /** Short and the same for every rule that meets it, e.g. "configuration lock held by another session". */
    readonly what: string,
    /** What showed it and what to do about it, in one line. */
    readonly detail?: string,
  ) {
    super(detail ? `${what}: ${detail}` : what);
  }
}

/** The target refused the profile's credentials, or the profile lacks what a rule needs. Always `error`. */
export class CredentialsRejected extends Error {
  override name = 'CredentialsRejected';
}

/**
 * Credentials that worked stopped working mid-run (a token or session that expired early or was revoked, a
 * password changed): a 401 to a request that carried them, after the harness logged in again once (or had nothing
 * to renew). Nothing was learnt about the requirement under test: always `error`, never `fail`.
 */
export class CredentialsExpired extends CredentialsRejected {
  override name = 'CredentialsExpired';
  constructor(detail: string) {
    super(`the credentials stopped working mid-run: ${detail}`);
  }
}

/**
 * The target has not finished something in the time the profile allows, and is still visibly working on it
 * (e.g. a certificate still "pending"). Not proof of a violation: `error`, with what was seen.
 */
export class Inconclusive extends Error {
  override name = 'Inconclusive';
}

/**
 * Thrown by an undo that knows it cannot succeed (the answer that would name the object was lost): the engine
 * reports the residue at once instead of retrying.
 */
export class UndoImpossible extends Error {
  override name = 'UndoImpossible';
}

/** A usage problem: bad profile, bad option, missing env var. Exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
