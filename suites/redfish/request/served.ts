import { battery } from './handling.ts';
import { REKEY_SERVED_RULE, REPLACE_SERVED_RULE, rekeyServed, replaceServed } from '../served.ts';
import { rule } from '../rule.ts';

/**
 * An advertised action is a supported one, and a service supports POST to it. Not served at all (404, 405, 501 on
 * its target) is the finding of these two rules only; every other rule that needed the action is not evaluated.
 */
export const servedRules = [
  rule({
    id: REKEY_SERVED_RULE,
    title: 'Every advertised Rekey action is served: a POST to its target is not answered 404, 405 or 501',
    level: 'MUST',
    requires: ['rekey'],
    cite: {
      source: 'dsp0266',
      section: 'POST (Action)',
      quote: 'Services shall support the POST method to send actions to Resources.',
    },
    faults: ['rekey-not-served', 'rekey-not-found', 'rekey-not-implemented'],
    async check(t) {
      // A refused probe per Rekey target, then the refused requests of the request-handling rules: every Rekey
      // POST that is not a refusal rule's own subject calls requireServed with this rule as the owner.
      const seen = await rekeyServed(t);
      await battery(t);
      t.note(`POST (a body the service must refuse) answered ${seen.join('; ')}`);
    },
  }),
  rule({
    id: REPLACE_SERVED_RULE,
    title:
      'An advertised CertificateService.ReplaceCertificate is served: a POST to its target is not answered 404, 405 or 501',
    level: 'MUST',
    requires: ['replace-certificate'],
    cite: {
      source: 'dsp0266',
      section: 'POST (Action)',
      quote: 'Services shall support the POST method to send actions to Resources.',
    },
    faults: ['replace-certificate-not-served'],
    async check(t) {
      t.note(`POST (a body the service must refuse) answered ${(await replaceServed(t)).join('; ')}`);
    },
  }),
];
