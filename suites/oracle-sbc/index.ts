import { defineApi } from '../../src/core/api.ts';

// Placeholder until the oracle-sbc suite lands: no rules, no mock.
export const oracleSbcApi = defineApi<unknown, 'none', never, 'default', never>({
  id: 'oracle-sbc',
  title: 'Oracle SBC certificates',
  rulePrefix: 'SBC',
  sources: { none: { title: 'placeholder' } },
  capabilities: {},
  faults: {},
  variants: { default: { description: 'placeholder', vendor: 'none' } },
  defaultVariant: 'default',
  rules: [],
  paramsSchema: { type: 'object' },
  accountRoles: [],
  notTested: [],
  startMock: () => Promise.reject(new Error('oracle-sbc mock not implemented yet')),
  mockTarget: () => {
    throw new Error('oracle-sbc mock not implemented yet');
  },
  connect: () => Promise.reject(new Error('oracle-sbc suite not implemented yet')),
});
