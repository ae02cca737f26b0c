import { check, checkEqual, notApplicable, show } from '../../../src/core/check.ts';
import { discover, type CertResource, type Json, type RedfishCtx } from '../context.ts';
import { certificateUriPatterns } from '../schemas.ts';
import { rule } from '../rule.ts';
import type { RuleRun } from '../../../src/core/api.ts';

type Advertised = CertResource & { action: Json };

/**
 * Every certificate discovery reached that advertises Rekey, wherever it was linked. These rules judge the actions
 * a service advertises; a service that advertises none lacks the optional capability `rekey` (a skip, not a finding).
 */
async function advertising(t: RuleRun<RedfishCtx>): Promise<Advertised[]> {
  const d = await discover(t);
  for (const n of d.notes) t.note(n);
  const list = d.allCerts
    .map((c) => ({ ...c, action: c.body?.Actions?.['#Certificate.Rekey'] as Json }))
    .filter((c): c is Advertised => c.action !== undefined);
  if (list.length === 0) notApplicable('no certificate advertises #Certificate.Rekey');
  t.note(`certificates advertising Rekey: ${list.map((c) => `${c.via} ${c.uri}`).join('; ')}`);
  return list;
}

const ANNOTATION = /^([A-Za-z_][A-Za-z0-9_]*)?@(odata|Redfish|Message)\.[A-Za-z_][A-Za-z0-9_]*$/;

export const advertisementRules = [
  rule({
    id: 'RF-DISC-001',
    title: 'A certificate that advertises #Certificate.Rekey gives the action a target URI',
    level: 'MUST',
    requires: ['rekey'],
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
          `${c.uri}: "#Certificate.Rekey" is advertised without a string target: ${show(c.action)}`,
        );
      }
    },
  }),
  rule({
    id: 'RF-DISC-002',
    title: 'The Rekey target is <certificate URI>/Actions/Certificate.Rekey',
    level: 'MUST',
    requires: ['rekey'],
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
        checkEqual(path, `${c.uri}/Actions/Certificate.Rekey`, `${c.via} ${c.uri}: Rekey target`);
      }
    },
  }),
  rule({
    id: 'RF-DISC-003',
    title: 'The Rekey action object holds only target, title and @odata/@Redfish/@Message annotations',
    level: 'MUST',
    requires: ['rekey'],
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
    requires: ['rekey'],
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
          `${c.via} ${c.uri} matches no Certificate.json "uris" pattern and no BaseUri/Oem/OemName/ResourceName form`,
        );
      }
    },
  }),
];
