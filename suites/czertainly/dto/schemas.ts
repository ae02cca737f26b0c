import type { RuleRun } from '../../../src/core/api.ts';
import { at, notApplicable, violation } from '../../../src/core/check.ts';
import { currentEvidence } from '../../../src/http/evidence.ts';
import type { Ctx } from '../context.ts';
import { issuedFromCsr } from '../lib/flow.ts';
import { dtoProblems, type Dto } from '../lib/schema.ts';
import { keepEndEntities, legacyUrl } from '../legacy/endentity.ts';
import { rule } from '../rule.ts';

/** How many faulty answers a message lists (the evidence holds every one of them). */
const LISTED = 3;

/**
 * Judges every answer of `dtos` the rules of this run read from the target against its pinned OpenAPI schema.
 * The exchanges that carry a violation become this rule's evidence (whichever rule sent them).
 */
function judgeSeen(t: RuleRun<Ctx>, dtos: readonly Dto[]): void {
  const seen = t.ctx.seen.of(dtos);
  if (seen.length === 0) notApplicable(`no ${dtos.join(' or ')} was read from the target in this run`);
  const bad = seen.flatMap((s) => {
    const problems = dtoProblems(s.dto, s.body);
    return problems.length ? [{ ...s, problems }] : [];
  });
  if (bad.length === 0) return;
  const evidence = currentEvidence();
  for (const b of bad) if (evidence && !evidence.includes(b.evidence)) evidence.push(b.evidence);
  const listed = bad
    .slice(0, LISTED)
    .map(
      (b) =>
        `${b.where}${b.rule ? ` (read by ${b.rule})` : ''} is not a ${b.dto}: ${b.problems.map((p) => p.text).join('; ')}`,
    );
  // The finding names the place of the first problem in the first faulty answer.
  violation(
    `${bad.length} of ${seen.length} answers do not conform to their schema: ${listed.join(' | ')}${bad.length > LISTED ? ` | … ${bad.length - LISTED} more` : ''}`,
    at(bad[0]!.body, bad[0]!.problems[0]!.pointer, bad[0]!.evidence),
  );
}

export const operationAnswersConform = rule({
  id: 'CZ-DTO-001',
  title:
    'Every answer of issue, issueRequestedCertificate, renew and rekey is a ClientCertificateDataResponseDto.',
  level: 'MUST',
  cite: {
    source: 'openapi-v2',
    section:
      'responses."200" of issueCertificate, issueRequestedCertificate, renewCertificate, rekeyCertificate; components.schemas.ClientCertificateDataResponseDto',
    quote: '$ref: "#/components/schemas/ClientCertificateDataResponseDto"',
  },
  // Judges the answers of the operations run before it; alone, it issues one certificate to have one.
  destructive: true,
  faults: ['rekey-answer-data-object'],
  async check(t) {
    if (t.ctx.seen.of(['ClientCertificateDataResponseDto']).length === 0) await issuedFromCsr(t);
    judgeSeen(t, ['ClientCertificateDataResponseDto']);
  },
});

export const inventoryCertificatesConform = rule({
  id: 'CZ-DTO-002',
  title:
    'Every certificate the inventory reports (detail, chain, search, submitted request) conforms to its schema, state included.',
  level: 'MUST',
  cite: {
    source: 'openapi-certificate',
    section:
      'GET /v1/certificates/{uuid} (getCertificate), GET …/chain, POST /v1/certificates, POST /v1/certificates/create; components.schemas.CertificateDetailDto',
    quote: '$ref: "#/components/schemas/CertificateDetailDto"',
  },
  destructive: true,
  faults: ['state-unknown-value', 'renewed-detail-bad-date'],
  async check(t) {
    const dtos = ['CertificateDetailDto', 'CertificateChainResponseDto', 'CertificateResponseDto'] as const;
    if (t.ctx.seen.of(dtos).length === 0) await issuedFromCsr(t);
    judgeSeen(t, dtos);
  },
});

export const legacyAnswersConform = rule({
  id: 'CZ-DTO-003',
  title: 'Every legacy answer (end entities listed and read, issued certificates) conforms to its schema.',
  level: 'MUST',
  cite: {
    source: 'openapi-legacy',
    section:
      'listEntities, getEndEntity, issueCertificate responses."200"; components.schemas.ClientEndEntityDto (status enum), ClientCertificateSignResponseDto',
    quote: '$ref: "#/components/schemas/ClientEndEntityDto"',
  },
  requires: ['legacy-v1'],
  faults: ['end-entity-status-lowercase'],
  async check(t) {
    // The list is read here too (a GET): the end entities there are judged even in a run without the others.
    const res = await t.ctx.http.get(legacyUrl(t.ctx, '/endentity'));
    if (res.status === 200) keepEndEntities(t.ctx, res);
    judgeSeen(t, ['ClientEndEntityDto', 'ClientCertificateSignResponseDto']);
  },
});
