import { writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { Target } from '../core/api.ts';

/**
 * A complete profile for a started standalone mock, which `certconform run --profile FILE` accepts as it is:
 * base URL, the test CA (written next to it), auth and accounts with the mock's fixture credentials (TEST ONLY
 * values, inline on purpose), params and timeouts. Returns where the CA file went.
 */
export function writeMockProfile(file: string, target: Target): { profile: string; caFile?: string } {
  const profile = resolve(file);
  let caFile: string | undefined;
  if (target.tls.ca) {
    caFile = join(dirname(profile), `${basename(profile, extname(profile))}-ca.pem`);
    writeFileSync(caFile, target.tls.ca);
  }
  const doc = {
    name: target.name,
    api: target.api,
    vendor: target.vendor,
    baseUrl: target.baseUrl,
    ...(caFile ? { tls: { caFile } } : {}),
    auth: target.auth,
    ...(Object.keys(target.accounts).length ? { accounts: target.accounts } : {}),
    ...(Object.keys(target.params).length ? { params: target.params } : {}),
    allowDestructive: target.allowDestructive,
    ...(target.capture ? { capture: true } : {}),
    timeouts: target.timeouts,
  };
  writeFileSync(profile, extname(profile) === '.json' ? JSON.stringify(doc, null, 2) + '\n' : stringify(doc));
  return { profile, ...(caFile ? { caFile } : {}) };
}
