import { it } from 'vitest';
import { proveApi } from './prove.ts';

it(
  'keyfactor: every variant clean, every fault caught by its rules only, no false verdict under hostile modes, wrong credentials or concurrency 4',
  () => proveApi('keyfactor'),
  900_000,
);
