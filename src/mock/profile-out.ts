import { copyFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { Target } from '../core/api.ts';
import { repoPath } from '../paths.ts';

/**
 * A complete profile for a started standalone mock, which `certconform run --profile FILE` accepts as it is:
 * base URL, the test CA, auth and accounts with the mock's fixture credentials (TEST ONLY values, inline on
 * purpose), params, timeouts and the variant's expectations (the deviations its vendor documents), so a run against
 * it passes as the self-test's does. The CA and the expectations are written beside the profile and named relative
 * to it: the three files move together (e.g. out of a container's mounted folder). Returns where they went.
 */
export function writeMockProfile(
  file: string,
  target: Target,
): { profile: string; caFile?: string; expectations?: string } {
  const profile = resolve(file);
  const stem = basename(profile, extname(profile));
  const beside = (suffix: string) => join(dirname(profile), `${stem}${suffix}`);
  let caFile: string | undefined;
  if (target.tls.ca) {
    caFile = beside('-ca.pem');
    writeFileSync(caFile, target.tls.ca);
  }
  // A variant that authenticates with a client certificate hands out its TEST ONLY certificate and key too.
  let clientCert: { certFile: string; keyFile: string; passphrase?: string } | undefined;
  if (target.tls.cert && target.tls.key) {
    clientCert = { certFile: beside('-client.pem'), keyFile: beside('-client-key.pem') };
    writeFileSync(clientCert.certFile, target.tls.cert);
    writeFileSync(clientCert.keyFile, target.tls.key, { mode: 0o600 });
    if (target.tls.passphrase) clientCert.passphrase = target.tls.passphrase;
  }
  let expectations: string | undefined;
  if (target.expectations) {
    // A bundled variant names its file relative to the repository; a profile's is absolute already.
    const from = target.mockVariant ? repoPath(target.expectations) : resolve(target.expectations);
    expectations = beside(`-expectations${extname(from) || '.yaml'}`);
    copyFileSync(from, expectations);
  }
  const relative = (p: string) => `./${basename(p)}`;
  const doc = {
    name: target.name,
    api: target.api,
    vendor: target.vendor,
    baseUrl: target.baseUrl,
    ...(caFile || clientCert
      ? {
          tls: {
            ...(caFile ? { caFile: relative(caFile) } : {}),
            ...(clientCert
              ? {
                  clientCert: {
                    ...clientCert,
                    certFile: relative(clientCert.certFile),
                    keyFile: relative(clientCert.keyFile),
                  },
                }
              : {}),
          },
        }
      : {}),
    auth: target.auth,
    ...(Object.keys(target.accounts).length ? { accounts: target.accounts } : {}),
    ...(Object.keys(target.params).length ? { params: target.params } : {}),
    allowDestructive: target.allowDestructive,
    ...(target.capture ? { capture: true } : {}),
    timeouts: target.timeouts,
    ...(expectations ? { expectations: relative(expectations) } : {}),
  };
  writeFileSync(profile, extname(profile) === '.json' ? JSON.stringify(doc, null, 2) + '\n' : stringify(doc));
  return { profile, ...(caFile ? { caFile } : {}), ...(expectations ? { expectations } : {}) };
}
