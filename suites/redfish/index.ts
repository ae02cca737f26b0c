import { defineApi } from '../../src/core/api.ts';
import {
  FAULTS,
  VARIANTS,
  mockTarget,
  startMock,
  type Fault,
  type Variant,
} from '../../mocks/redfish/index.ts';
import { advertisementRules } from './discovery/advertisement.ts';
import { resourceRules } from './discovery/resource.ts';
import { requestRules } from './request/handling.ts';
import { servedRules } from './request/served.ts';
import { authRules } from './auth/privileges.ts';
import { responseRules } from './response/rekey-response.ts';
import { csrRules } from './csr/csr.ts';
import { asyncRules } from './async/task-monitor.ts';
import { taskRules } from './task/task-resource.ts';
import { concurrencyRules } from './concurrency/overlap.ts';
import { amiRules } from './ami/vendor.ts';
import { lighttpdRules } from './ami/lighttpd.ts';
import { e2eRules } from './e2e/install.ts';
import { CAPABILITIES, CAPABILITY_NAMES, type Capability } from './capabilities.ts';
import { PARAMS_SCHEMA, connectRedfish, type RedfishCtx } from './context.ts';
import { NOT_TESTED } from './not-tested.ts';
import { SOURCES, type Source } from './sources.ts';
import { compileAll } from './schemas.ts';

/**
 * Redfish Certificate.Rekey (DSP0266 + DMTF schemas + the AMI MegaRAC vendor page). Rules run in this order:
 * read-only discovery, rejected requests, authorization, then the Rekeys (response, CSR, tasks, AMI), and last the
 * rules that replace the HTTPS certificate.
 */
export const redfishApi = defineApi<RedfishCtx, Source, Fault, Variant, Capability>({
  id: 'redfish',
  title: 'Redfish certificate Rekey (DSP0266, AMI MegaRAC)',
  rulePrefix: 'RF',
  sources: SOURCES,
  capabilities: CAPABILITIES,
  capabilityNames: CAPABILITY_NAMES,
  faults: FAULTS,
  variants: VARIANTS,
  defaultVariant: 'ami',
  rules: [
    ...advertisementRules,
    ...resourceRules,
    ...requestRules,
    ...servedRules,
    ...authRules,
    ...responseRules,
    ...csrRules,
    ...asyncRules,
    ...taskRules,
    ...concurrencyRules,
    ...amiRules,
    ...lighttpdRules,
    ...e2eRules,
  ],
  paramsSchema: PARAMS_SCHEMA,
  accountRoles: ['operator', 'readOnly'],
  notTested: NOT_TESTED,
  retired: {
    'RF-REQ-008':
      'demanded that a text/plain body be refused; DSP0266 says only that other Content-Type values "can cause an error"',
  },
  startMock,
  mockTarget,
  // The DMTF schemas are compiled before the first request (about 2 s of synchronous work).
  prepare: compileAll,
  connect: connectRedfish,
});
