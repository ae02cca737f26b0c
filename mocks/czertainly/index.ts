import type { MockOptions, RunningMock, Target } from '../../src/core/api.ts';
import { listen, loopbackTls } from '../../src/mock/server.ts';
import type { Fault } from './faults.ts';
import { ADMIN_TOKEN, IDS, READ_ONLY_TOKEN } from './model.ts';
import { buildMock } from './server.ts';
import { BEHAVIOUR, VARIANTS, type Variant } from './variants.ts';

interface MockExtras {
  ca: string;
  clientCert: string;
  clientKey: string;
}

const extras = new WeakMap<RunningMock, MockExtras>();

/** Starts the reference CZERTAINLY core on loopback HTTPS. */
export async function startMock(opts: MockOptions<Fault, Variant>): Promise<RunningMock> {
  const tls = await loopbackTls('certconform-czertainly-mock');
  const built = await buildMock({ behaviour: BEHAVIOUR[opts.variant], faults: opts.faults, tls });
  const running = await listen(built.app, {
    host: opts.host,
    port: opts.port,
    https: true,
    hostile: opts.hostile,
  });
  // hostileHits stays on the returned object; residue asks the mock's own state.
  const mock: RunningMock = { ...running, residue: built.residue };
  extras.set(mock, { ca: tls.ca, clientCert: built.clientCert, clientKey: built.clientKey });
  return mock;
}

/** The profile a started mock stands for: every capability of the suite is available. */
export function mockTarget(variant: Variant, mock: RunningMock) {
  const x = extras.get(mock);
  if (!x) throw new Error('mockTarget: this mock was not started by the czertainly startMock');
  const clientCert = BEHAVIOUR[variant].clientCertAuth;
  const auth: Target['auth'] = clientCert
    ? { scheme: 'client-cert' }
    : { scheme: 'bearer', token: ADMIN_TOKEN };
  return {
    baseUrl: `${mock.url}/api`,
    vendor: VARIANTS[variant].vendor,
    tls: clientCert ? { ca: x.ca, cert: x.clientCert, key: x.clientKey } : { ca: x.ca },
    auth,
    accounts: { readOnly: { username: 'auditor', token: READ_ONLY_TOKEN } },
    params: {
      authorityUuid: IDS.authority,
      raProfileUuid: IDS.raProfile,
      raProfileName: IDS.raProfileName,
      disabledRaProfileUuid: IDS.disabledRaProfile,
      tokenProfileUuid: IDS.tokenProfile,
      keyUuids: [...IDS.keys],
      disposableKeyUuid: IDS.disposableKey,
      altTokenProfileUuid: IDS.altTokenProfile,
      altKeyUuids: [...IDS.altKeys],
      legacyRaProfileName: IDS.legacyRaProfileName,
      legacyRaProfileUuid: IDS.legacyRaProfile,
      legacyAuthorityUuid: IDS.legacyAuthority,
      subjectSuffix: 'O=certconform, C=CZ',
    },
    // The mock's queue finishes in tens of milliseconds, but a loaded machine can stall it for seconds: the
    // operation timeout stays generous (a fault that never finishes waits it out beside the other checks).
    timeouts: { requestMs: 10_000, operationMs: 20_000, ruleMs: 60_000 },
  };
}
