import type { Status } from '../src/core/outcome.ts';

/** What allure-vitest records for each certconform outcome in the conformance project (test/conformance-vitest.test.ts holds it to this). */
export type AllureStatus = 'passed' | 'failed' | 'broken' | 'skipped';

/**
 * A fail or xpass is a failed test (an assertion), an error a thrown harness error (Allure: broken), a skip and an
 * xfail skipped tests with their reason. A warn passes, as in junit.xml, tagged `warn` with a failed step; with
 * CERTCONFORM_WARN_AS_FAILURE=1 it is a failed test (like --warn-as-failure).
 */
export function allureStatus(status: Status, warnAsFailure = warnsFail()): AllureStatus {
  switch (status) {
    case 'pass':
      return 'passed';
    case 'warn':
      return warnAsFailure ? 'failed' : 'passed';
    case 'fail':
    case 'xpass':
      return 'failed';
    case 'error':
      return 'broken';
    case 'skip':
    case 'xfail':
      return 'skipped';
  }
}

export function warnsFail(env = process.env): boolean {
  return env.CERTCONFORM_WARN_AS_FAILURE === '1' || env.CERTCONFORM_WARN_AS_FAILURE === 'true';
}
