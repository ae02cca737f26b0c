import { defineApi } from '../../src/core/api.ts';

// Placeholder until the keyfactor suite lands: no rules, no mock.
export const keyfactorApi = defineApi<unknown, 'none', never, 'default', never>({
  id: 'keyfactor',
  title: 'Keyfactor Command enrollment',
  rulePrefix: 'KF',
  sources: { none: { title: 'placeholder' } },
  capabilities: {},
  faults: {},
  variants: { default: { description: 'placeholder', vendor: 'none' } },
  defaultVariant: 'default',
  rules: [],
  paramsSchema: { type: 'object' },
  accountRoles: [],
  notTested: [],
  startMock: () => Promise.reject(new Error('keyfactor mock not implemented yet')),
  mockTarget: () => {
    throw new Error('keyfactor mock not implemented yet');
  },
  connect: () => Promise.reject(new Error('keyfactor suite not implemented yet')),
});
