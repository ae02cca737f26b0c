import { readFileSync } from 'node:fs';
import type { MockOptions, RunningMock, Target } from '../../src/core/api.ts';
import { listen, loopbackTls } from '../../src/mock/server.ts';
import { repoPath } from '../../src/paths.ts';
import type { Fault } from './faults.ts';
import { BASE_PATH, buildApp } from './server.ts';
import { CA_NAME, COLLECTION_ID, STORES, TEMPLATES, USERS, VARIANT_CONFIG } from './state.ts';
import type { Variant } from './variants.ts';

export { FAULTS, type Fault } from './faults.ts';
export { VARIANTS, type Variant } from './variants.ts';

/** Starts the Command mock over HTTPS on loopback. */
export async function startKeyfactorMock(opts: MockOptions<Fault, Variant>): Promise<RunningMock> {
  const tls = await loopbackTls('keyfactor-command.certconform.test');
  const { app, inventory } = await buildApp(opts.variant, new Set(opts.faults), tls);
  const running = await listen(app, { host: opts.host, port: opts.port, https: true, hostile: opts.hostile });
  return { ...running, residue: () => inventory.residue() };
}

/** What a started mock of this variant is, as a target: the same fields a profile gives for a real Command. */
export function keyfactorMockTarget(
  variant: Variant,
  mock: RunningMock,
): Omit<Target, 'name' | 'api' | 'timeouts' | 'concurrency' | 'allowDestructive'> {
  const cfg = VARIANT_CONFIG[variant];
  const { admin, collectionUser } = USERS;
  const bearer = cfg.auth === 'bearer';
  return {
    baseUrl: `${mock.url}${BASE_PATH}`,
    vendor: 'keyfactor',
    tls: { ca: readFileSync(repoPath('fixtures/pki/ca/test-ca.cert.pem'), 'utf8') },
    auth: bearer
      ? { scheme: 'bearer', token: admin.token }
      : { scheme: 'basic', username: admin.username, password: admin.password },
    accounts: {
      collectionUser: bearer
        ? { username: collectionUser.username, token: collectionUser.token }
        : { username: collectionUser.username, password: collectionUser.password },
    },
    params: {
      certificateAuthority: CA_NAME,
      template: TEMPLATES[0],
      caCertFile: repoPath(`fixtures/pki/ca/${cfg.ca}.cert.pem`),
      certificateId: cfg.ids.renewable,
      oneClickCertificateId: cfg.ids.oneClick,
      noRenewalCertificateId: cfg.ids.noRenewal,
      storeCertificateId: cfg.ids.inStores,
      deployStoreId: STORES[2]!.id,
      collectionId: COLLECTION_ID,
      collectionCertificateId: cfg.ids.inCollection,
      // One variant cleans up after itself, as a profile against a shared Command would.
      ...(cfg.deletesCreated ? { deleteCreatedCertificates: true } : {}),
    },
  };
}
