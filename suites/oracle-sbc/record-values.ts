import { show } from '../../src/core/check.ts';

/**
 * What the documents define for the certificate-record configuration element (sbc-notes §6, the ACLI reference;
 * the REST attribute names are the same). Only [D] facts: attributes the notes mark unverified [?] (digest-algor,
 * ecdsa-key-size, cert-status-profile-list, options) and attributes the notes do not name are not judged.
 */
export const KEY_USAGES = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export const EXTENDED_KEY_USAGES = ['serverAuth', 'clientAuth'] as const;
/** 512 only on older releases, 4096 only on capable hardware: each is a documented value. */
const KEY_SIZES = ['512', '1024', '2048', '4096'];
const MAX_LENGTH: Record<string, number> = {
  state: 128,
  locality: 128,
  organization: 64,
  unit: 64,
  'common-name': 64,
  'alternate-name': 1024,
};
const ENUMS: Record<string, readonly string[]> = {
  'key-size': KEY_SIZES,
  trusted: ['enabled', 'disabled'],
  'key-algor': ['rsa', 'ecdsa'],
};
const LISTS: Record<string, readonly string[]> = {
  'key-usage-list': KEY_USAGES,
  'extended-key-usage-list': EXTENDED_KEY_USAGES,
};
const SINGLE = ['name', 'country', ...Object.keys(MAX_LENGTH), ...Object.keys(ENUMS)];

/**
 * Every way a certificate-record element the SBC answered departs from the documented values, one line each
 * (empty when it conforms). `template`: the element is the template, whose key attribute `name` is empty.
 */
export function recordProblems(attrs: Map<string, string[]>, opts: { template?: boolean } = {}): string[] {
  const problems: string[] = [];
  const one = (name: string) => attrs.get(name)?.[0] ?? '';
  for (const name of SINGLE) {
    const values = attrs.get(name) ?? [];
    if (values.length > 1) problems.push(`${name} has several values ${show(values)}; it takes one`);
  }
  if (!opts.template && !one('name')) problems.push('name (the key attribute) is empty');
  if (attrs.has('country') && !/^[A-Za-z]{2}$/.test(one('country')))
    problems.push(`country ${show(one('country'))} is not a two-letter country code`);
  for (const [name, max] of Object.entries(MAX_LENGTH))
    if (one(name).length > max) problems.push(`${name} is longer than ${max} characters`);
  for (const [name, allowed] of Object.entries(ENUMS))
    if (attrs.has(name) && !allowed.includes(one(name)))
      problems.push(`${name} ${show(one(name))} is none of the documented values ${allowed.join(', ')}`);
  for (const [name, allowed] of Object.entries(LISTS))
    for (const v of attrs.get(name) ?? [])
      if (!allowed.includes(v))
        problems.push(`${name} value ${show(v)} is none of the documented values ${allowed.join(', ')}`);
  for (const entry of one('alternate-name')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean))
    if (!/^(IP|DNS|email):\S+$/.test(entry))
      problems.push(`alternate-name entry ${show(entry)} is not IP:<address>, DNS:<name> or email:<address>`);
  return problems;
}
