import { it } from 'vitest';
import { proveApi } from './prove.ts';

it(
  'oracle-sbc: every variant clean, every fault caught by its rules only, no false verdict under hostile modes, wrong credentials or concurrency 4',
  () => proveApi('oracle-sbc'),
  900_000,
);
