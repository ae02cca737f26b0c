import { it } from 'vitest';
import { proveApi } from './prove.ts';

it(
  'oracle-sbc: every variant is clean and every fault is caught by its rules only',
  () => proveApi('oracle-sbc'),
  600_000,
);
