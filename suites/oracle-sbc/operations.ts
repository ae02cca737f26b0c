import { requireServed } from '../../src/core/check.ts';
import type { HttpResponse } from '../../src/http/client.ts';

export interface Operation {
  /** Short and the same for every rule that needs the operation: "generateRequest not served (404)". */
  what: string;
  /** The rule whose requirement it is that the operation is served (one cause, one finding). */
  owner?: string;
  /**
   * The documents give this operation a 404 for a missing instance (an unknown record): a 404 from the SBC's
   * REST application (its `<response>` envelope) is then the SBC's answer, and only a 404 without it (an HTML
   * page or no body: no route) is "not served". For the other operations any 404 at an offered version means
   * there is no such route.
   */
  notFound?: true;
}

/**
 * The documented operations the suite needs. When one is not served at all, its owner reports it (citing where
 * it is documented) and every other rule that needed it is `error` "not evaluated: <what> not served (<status>)".
 */
export const OPERATIONS = {
  discovery: { what: 'version discovery', owner: 'SBC-VER-001' },
  login: { what: 'login', owner: 'SBC-AUTH-001' },
  lock: { what: 'configuration lock', owner: 'SBC-LOCK-001' },
  unlock: { what: 'configuration unlock', owner: 'SBC-LOCK-002' },
  template: { what: 'certificate-record template', owner: 'SBC-REC-001' },
  readRecord: { what: 'GET configElements', owner: 'SBC-REC-002', notFound: true },
  createRecord: { what: 'POST configElements', owner: 'SBC-REC-002' },
  deleteRecord: { what: 'DELETE configElements', owner: 'SBC-REC-004', notFound: true },
  generateRequest: { what: 'generateRequest', owner: 'SBC-GEN-018', notFound: true },
  // Optional (capability certificate-import): a release without it skips the import rules, so nobody owns it.
  import: { what: 'certificate import', notFound: true },
  save: { what: 'configuration save', owner: 'SBC-MGT-001' },
  verify: { what: 'configuration verify', owner: 'SBC-MGT-002' },
  activate: { what: 'configuration activate', owner: 'SBC-MGT-003' },
} as const satisfies Record<string, Operation>;

/**
 * The answer to a documented operation, unless the operation is not served: 405, 501, or a 404 that is not the
 * SBC's answer about a missing instance (see `notFound`). Then NotServed: the owner's finding, `error` for
 * everyone else. Rules whose requirement is such a status (an unknown record answers 404) still call this:
 * their 404 must be the SBC's.
 */
export function served(res: HttpResponse, op: Operation): HttpResponse {
  if (res.status === 404 && op.notFound && isSbcAnswer(res)) return res;
  return requireServed(res, op.what, op.owner);
}

/**
 * Whether an answer comes from the SBC's REST application: a body that is its `<response>` envelope, or any other
 * body it sends (whose format SBC-TRN-004 judges). An empty body or an HTML page is what a web server in front of
 * it answers for a path it has no route for.
 */
export function isSbcAnswer(res: HttpResponse): boolean {
  const text = res.text.trim();
  return text !== '' && !/html/i.test(res.contentType) && !/^(<!doctype html|<html)/i.test(text);
}
