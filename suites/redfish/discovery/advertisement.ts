import { check, checkEqual, notApplicable, show, violation } from '../../../src/core/check.ts';
import { discover, KIND_LABEL, type CertInfo, type RedfishCtx } from '../context.ts';
import { certificateUriPatterns } from '../schemas.ts';
import { rule } from '../rule.ts';
import type { RuleRun } from '../../../src/core/api.ts';

/** Certificates that advertise Rekey; none is RF-DISC-001's finding, and a skip for the other rules. */
async function advertising(t: RuleRun<RedfishCtx>): Promise<CertInfo[]> {
  const d = await discover(t);
  for (const n of d.notes) t.note(n);
  const list = d.certs.filter((c) => c.action);
  if (list.length === 0 && t.ruleId !== 'RF-DISC-001')
    notApplicable('no certificate in the documented locations advertises #Certificate.Rekey (RF-DISC-001)');
  if (list.length === 0)
    violation(
      `no certificate in the documented locations advertises #Certificate.Rekey (found ${d.certs.length} certificate(s): ${d.certs.map((c) => c.uri).join(', ') || 'none'})`,
    );
  t.note(`certificates advertising Rekey: ${list.map((c) => `${KIND_LABEL[c.kind]} ${c.uri}`).join('; ')}`);
  return list;
}

const ANNOTATION = /^([A-Za-z_][A-Za-z0-9_]*)?@(odata|Redfish|Message)\.[A-Za-z_][A-Za-z0-9_]*$/;

export const advertisementRules = [
  rule({
    id: 'RF-DISC-001',
    title: 'Certificates in the documented Rekey locations advertise #Certificate.Rekey with a target URI',
    level: 'MUST',
    parallelSafe: true,
    cite: {
      source: 'dsp0266',
      section: 'Actions property — Action representation',
      quote:
        'The `target` property shall be present, and defines the relative or absolute URL to invoke the action.',
    },
    faults: ['rekey-action-without-target'],
    async check(t) {
      for (const c of await advertising(t)) {
        check(
          typeof c.action?.target === 'string' && c.action.target !== '',
          `${c.uri}: "#Certificate.Rekey" has no string target: ${show(c.action)}`,
        );
      }
    },
  }),
  rule({
    id: 'RF-DISC-002',
    title: 'The Rekey target is <certificate URI>/Actions/Certificate.Rekey',
    level: 'MUST',
    parallelSafe: true,
    cite: {
      source: 'dsp0266',
      section: 'POST (Action)',
      quote: 'The URI of the action shall be in the format: `ResourceUri/Actions/QualifiedActionName`',
    },
    faults: ['rekey-target-nonstandard'],
    async check(t) {
      const list = (await advertising(t)).filter((c) => typeof c.action?.target === 'string');
      if (list.length === 0) notApplicable('no Rekey action has a target (RF-DISC-001)');
      for (const c of list) {
        const path = t.ctx.http.resolve(c.action.target).pathname;
        checkEqual(path, `${c.uri}/Actions/Certificate.Rekey`, `${KIND_LABEL[c.kind]} Rekey target`);
      }
    },
  }),
  rule({
    id: 'RF-DISC-003',
    title: 'The Rekey action object holds only target, title and @odata/@Redfish/@Message annotations',
    level: 'MUST',
    parallelSafe: true,
    cite: {
      source: 'dsp0266',
      section: 'Actions property — Action representation',
      quote: "The `title` property may be present, and defines the action's name.",
    },
    faults: ['rekey-action-extra-member'],
    async check(t) {
      for (const c of await advertising(t)) {
        const extra = Object.keys(c.action ?? {}).filter(
          (k) => k !== 'target' && k !== 'title' && !ANNOTATION.test(k),
        );
        check(
          extra.length === 0,
          `${c.uri}: "#Certificate.Rekey" carries member(s) the schema does not define: ${extra.join(', ')}`,
        );
      }
    },
  }),
  rule({
    id: 'RF-DISC-010',
    title:
      'Rekey-capable certificates live at a URI the Certificate schema lists, or in the DSP0266 OEM form',
    level: 'SHOULD',
    parallelSafe: true,
    cite: {
      source: 'dsp0266',
      section: 'OEM extensions',
      quote: 'the URIs for OEM resources shall be in the form of `BaseUri/Oem/OemName/ResourceName`',
    },
    faults: ['certificate-uri-nonstandard'],
    async check(t) {
      const patterns = certificateUriPatterns();
      const oem = /^\/redfish\/v1\/.+\/Oem\/[A-Za-z0-9_]+\/[^/]+\/[^/]+$/;
      for (const c of await advertising(t)) {
        const ok = patterns.some((p) => p.test(c.uri)) || oem.test(c.uri);
        check(
          ok,
          `${KIND_LABEL[c.kind]} ${c.uri} matches no Certificate.json "uris" pattern and no BaseUri/Oem/OemName/ResourceName form`,
        );
      }
    },
  }),
];
