import {
  at,
  check,
  expectHelperStatus,
  helperJson,
  show,
  type SchemaProblem,
} from '../../../src/core/check.ts';
import type { ViolationAt } from '../../../src/core/errors.ts';
import { currentEvidence } from '../../../src/http/evidence.ts';
import { field, kfRule, profileCertificates, type Run } from '../context.ts';
import { renewById } from '../renew/flows.ts';
import { MODELS, modelProblems, type ModelName } from './openapi.ts';

/**
 * Every answer of a known model is judged wherever it appears, not only where a rule about one field looks: the
 * client keeps each 2xx answer of a documented operation (KfClient.seen), and these rules, last in the catalog
 * (they run after every other rule of the run), judge them all, besides reading what they need themselves.
 */

/**
 * The departures of every kept answer of `models` from its model, with the evidence of each shown in this rule, and
 * where the first one is.
 */
function judgeSeen(
  t: Run,
  models: readonly ModelName[],
): { judged: number; failures: string[]; first?: ViolationAt } {
  const answers = t.ctx.kf.seen.filter((a) => models.includes(a.model));
  const failures: string[] = [];
  let first: ViolationAt | undefined;
  for (const a of answers) {
    const problems: SchemaProblem[] = modelProblems(a.body, a.model);
    // A certificate record answers the ID it was asked for ("Returns a single certificate that matches the id").
    if (a.model === MODELS.certificate) {
      const asked = Number(/^GET \/Certificates\/(\d+)/i.exec(a.request)?.[1]);
      const id = field(a.body, 'Id');
      if (id?.value !== undefined && id.value !== asked)
        problems.push({ pointer: `/${id.key}`, text: `/Id: expected ${asked}, got ${show(id.value)}` });
    }
    if (!problems.length) continue;
    failures.push(
      `${a.request}${a.rule ? ` (sent by ${a.rule})` : ''}: ${problems.map((p) => p.text).join('; ')}`,
    );
    first ??= at(a.body, problems[0]!.pointer, a.evidence);
    currentEvidence()?.push(a.evidence);
  }
  return { judged: answers.length, failures, ...(first ? { first } : {}) };
}

function counted(t: Run, models: readonly ModelName[]): string {
  const n = (m: ModelName) => t.ctx.kf.seen.filter((a) => a.model === m).length;
  return models
    .filter((m) => n(m) > 0)
    .map((m) => `${n(m)} ${m}`)
    .join(', ');
}

export const certificateRecordsMatchModel = kfRule({
  id: 'KF-MODEL-001',
  title:
    'Every certificate record Command answers (GET /Certificates/{id}) matches Models.CertificateRetrievalResponse',
  level: 'MUST',
  cite: {
    source: 'kf-openapi',
    section: '#/paths/~1Certificates~1{id}/get (200: Models.CertificateRetrievalResponse)',
    quote: 'Returns a single certificate that matches the id',
  },
  faults: ['certificates-not-served', 'issued-certificate-bad-date'],
  async check(t) {
    // The profile's certificates, read here with their locations; the run's other reads (the certificates it
    // issued among them) are judged as they were answered.
    for (const { id, role } of profileCertificates(t)) {
      const path = `/Certificates/${id}`;
      const res = await t.ctx.kf.read(path, { query: { includeLocations: true } });
      const what = `GET ${path}?includeLocations=true (params.${role})`;
      // A certificate the profile names that Command lacks leaves nothing to judge: an error, not a finding.
      expectHelperStatus(res, [200], what);
      helperJson(res, what);
    }
    const { judged, failures, first } = judgeSeen(t, [MODELS.certificate]);
    check(
      failures.length === 0,
      `${failures.length} of ${judged} certificate records depart from ${MODELS.certificate}: ${failures.join(' | ')}`,
      first,
    );
    t.note(`judged ${judged} certificate records`);
  },
});

const ENROLLMENT_MODELS = [MODELS.renewal, MODELS.pfx, MODELS.management] as const;

export const enrollmentAnswersMatchModels = kfRule({
  id: 'KF-MODEL-002',
  title:
    'Every answer of Renew, PFX enrollment, PFX/Replace and PFX/Deploy matches its OpenAPI model, wherever the run meets it',
  level: 'MUST',
  cite: {
    source: 'kf-openapi',
    section:
      '#/paths/~1Enrollment~1Renew/post/responses/200 (and the 200 answers of /Enrollment/PFX, /Enrollment/PFX/Replace, /Enrollment/PFX/Deploy)',
    quote: "$ref: '#/components/schemas/Models.Enrollment.RenewalResponse'",
  },
  destructive: true,
  requires: ['renewable-certificate'],
  faults: ['renew-keyfactor-id-string', 'renew-by-thumbprint-id-string', 'replace-failed-stores-not-array'],
  async check(t) {
    // At least the renewal by ID, when this rule runs alone; every other enrollment answer of the run too.
    await renewById(t);
    const { judged, failures, first } = judgeSeen(t, ENROLLMENT_MODELS);
    check(
      failures.length === 0,
      `${failures.length} of ${judged} enrollment answers depart from their models: ${failures.join(' | ')}`,
      first,
    );
    t.note(`judged ${judged} enrollment answers (${counted(t, ENROLLMENT_MODELS)})`);
  },
});
