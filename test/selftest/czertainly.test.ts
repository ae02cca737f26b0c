import { it } from 'vitest';
import { proveApi } from './prove.ts';

it(
  'czertainly: every variant is clean and every fault is caught by its rules only',
  () => proveApi('czertainly'),
  600_000,
);
