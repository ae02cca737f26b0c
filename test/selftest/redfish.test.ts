import { it } from 'vitest';
import { proveApi } from './prove.ts';

it(
  'redfish: every variant is clean and every fault is caught by its rules only',
  () => proveApi('redfish'),
  600_000,
);
