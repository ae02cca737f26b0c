import type { SbcParams } from './params.ts';

/**
 * Every scratch certificate-record the suite creates is `params.recordName` or `params.recordName-<suffix>` with
 * one of these suffixes (one copy: the rules name their records through `scratchRecord`, and what an earlier run
 * left is looked up by these names).
 */
export const SCRATCH_SUFFIXES = [
  '',
  'rec',
  'nolock',
  'del',
  'gen-nolock',
  'gen-otherlock',
  'gen-refused',
  'gen-keep',
  'regen',
  'nonadmin',
  'import',
  'import-nolock',
  'import-bad',
  'import-keep',
] as const;
export type ScratchSuffix = (typeof SCRATCH_SUFFIXES)[number];

/** The name of a scratch certificate-record: recordName itself for '', recordName-<suffix> otherwise. */
export function scratchRecord(params: Pick<SbcParams, 'recordName'>, suffix: ScratchSuffix): string {
  return suffix ? `${params.recordName}-${suffix}` : params.recordName;
}

/** Every scratch record name of this profile. */
export function scratchRecords(params: Pick<SbcParams, 'recordName'>): string[] {
  return SCRATCH_SUFFIXES.map((s) => scratchRecord(params, s));
}
