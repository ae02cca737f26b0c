import { defineApi } from '../../src/core/api.ts';

// Placeholder until the czertainly suite lands: no rules, no mock.
export const czertainlyApi = defineApi<unknown, 'none', never, 'default', never>({
  id: 'czertainly',
  title: 'CZERTAINLY client operations',
  rulePrefix: 'CZ',
  sources: { none: { title: 'placeholder' } },
  capabilities: {},
  faults: {},
  variants: { default: { description: 'placeholder', vendor: 'none' } },
  defaultVariant: 'default',
  rules: [],
  paramsSchema: { type: 'object' },
  accountRoles: [],
  notTested: [],
  startMock: () => Promise.reject(new Error('czertainly mock not implemented yet')),
  mockTarget: () => {
    throw new Error('czertainly mock not implemented yet');
  },
  connect: () => Promise.reject(new Error('czertainly suite not implemented yet')),
});
