import type { Evidence } from '../../../src/http/evidence.ts';
import { currentRule } from '../../../src/http/evidence.ts';
import type { HttpResponse } from '../../../src/http/client.ts';
import type { Dto } from './schema.ts';

/** One answer of a known type the suite read, wherever it read it. */
export interface Sighting {
  dto: Dto;
  /** "GET /api/v1/certificates/…", with the item's index for a member of a list. */
  where: string;
  /** The rule that read it (the CZ-DTO rules say whose read showed a violation). */
  rule?: string;
  body: unknown;
  evidence: Evidence;
}

/**
 * Every DTO the rules of one target read: certificate details (every poll), chains, searches, submitted requests,
 * operation answers, legacy answers. The CZ-DTO rules judge them all against the pinned OpenAPI schemas, so a
 * resource is judged wherever it appears, not only where one rule looks. The same body read twice is kept once.
 */
export class Seen {
  private readonly items = new Map<string, Sighting>();

  add(dto: Dto, res: HttpResponse, body: unknown, index?: number): void {
    const key = `${dto}\0${JSON.stringify(body)}`;
    if (this.items.has(key)) return;
    const path = new URL(res.url).pathname;
    this.items.set(key, {
      dto,
      where: `${res.method} ${path}${index === undefined ? '' : ` [${index}]`}`,
      ...(currentRule()?.rule ? { rule: currentRule()!.rule } : {}),
      body,
      evidence: res.evidence,
    });
  }

  of(dtos: readonly Dto[]): Sighting[] {
    return [...this.items.values()].filter((s) => dtos.includes(s.dto));
  }
}
