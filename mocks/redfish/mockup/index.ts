import type { RunningMock, Target } from '../../../src/core/api.ts';
import { DEFAULT_TIMEOUTS } from '../../../src/core/targets.ts';
import { TEST_CA_PEM } from '../server.ts';

export { captured, mockupLayout, startMockup, type MockupLayout, type MockupOptions } from './server.ts';

/**
 * The target a served capture represents: a read-only capture (`capture: true`: the harness sends nothing but
 * reads, and every rule that must send something else skips, saying so), judged by the DMTF documents only
 * (`vendor: generic`), never changed (`allowDestructive: false`), trusted through the test CA.
 *
 * Auth is `none`: the capture server needs no credentials, and a capture holds no answer about authentication, so
 * the rules about it have nothing to judge (the Basic auth capability is then absent: "the profile gives no
 * password to try Basic auth with").
 *
 * `capture: false` serves the same capture as a device whose every action is refused with 405 (what the capture
 * server answers to any POST): the shape of "advertised but not served".
 */
export function mockupTarget(mock: RunningMock, opts: { name?: string; capture?: boolean } = {}): Target {
  return {
    name: opts.name ?? 'mockup',
    api: 'redfish',
    baseUrl: mock.url,
    vendor: 'generic',
    tls: { ca: TEST_CA_PEM() },
    auth: { scheme: 'none' },
    accounts: {},
    params: {},
    allowDestructive: false,
    ...(opts.capture === false ? {} : { capture: true }),
    timeouts: { ...DEFAULT_TIMEOUTS, requestMs: 10_000, operationMs: 20_000, ruleMs: 60_000 },
    concurrency: 1,
  };
}
