import { it } from 'vitest';
import { proveApi } from './prove.ts';

it(
  'keyfactor: every variant is clean and every fault is caught by its rules only',
  () => proveApi('keyfactor'),
  600_000,
);
