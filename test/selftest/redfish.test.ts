import { it } from 'vitest';
import { proveApi } from './prove.ts';

it(
  'redfish: every variant clean, every fault caught by its rules only, no false verdict under hostile modes, wrong credentials or concurrency 4',
  () => proveApi('redfish'),
  900_000,
);
