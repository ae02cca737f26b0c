/**
 * The prefix of every name the harness gives to what it creates on a device (scratch records, end entities,
 * store aliases, certificate subjects): an earlier run's leftovers are recognised by it (`Connection.earlierResidue`,
 * `certconform cleanup`). One copy: the suites build their names from it.
 */
export const SCRATCH_PREFIX = 'certconform-';

/** The command that lists what earlier runs left on a target (with --yes: removes it). */
export const CLEANUP_COMMAND = 'certconform cleanup --profile <profile>';

/** The residue "rule" of what an earlier run left on the device (results.json `residue[].rule`). */
export const EARLIER_RUN = '(earlier run)';
