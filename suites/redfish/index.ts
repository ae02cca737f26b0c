import { defineApi } from '../../src/core/api.ts';

// Placeholder until the redfish suite lands: no rules, no mock.
export const redfishApi = defineApi<unknown, 'none', never, 'default', never>({
  id: 'redfish',
  title: 'Redfish certificate Rekey',
  rulePrefix: 'RF',
  sources: { none: { title: 'placeholder' } },
  capabilities: {},
  faults: {},
  variants: { default: { description: 'placeholder', vendor: 'none' } },
  defaultVariant: 'default',
  rules: [],
  paramsSchema: { type: 'object' },
  accountRoles: [],
  notTested: [],
  startMock: () => Promise.reject(new Error('redfish mock not implemented yet')),
  mockTarget: () => {
    throw new Error('redfish mock not implemented yet');
  },
  connect: () => Promise.reject(new Error('redfish suite not implemented yet')),
});
