import { defineConfig } from 'vitest/config';

// `npx vitest run --project conformance` runs the suites as vitest tests (conformance/): allure-vitest reports them.
// The harness's own tests are the `harness` project (`npm test`).
const argv = process.argv;
const conformance = argv.some(
  (a, i) => a === '--project=conformance' || (a === '--project' && argv[i + 1] === 'conformance'),
);

export default defineConfig({
  test: {
    setupFiles: ['./test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // allure-vitest only for the conformance project: it wraps the test runner of every project it reports.
    ...(conformance
      ? {
          reporters: [
            'default',
            ['allure-vitest/reporter', { resultsDir: process.env.ALLURE_RESULTS_DIR || 'allure-results' }],
          ],
        }
      : {}),
    projects: [
      {
        extends: true,
        test: {
          name: 'harness',
          include: ['src/**/*.test.ts', 'mocks/**/*.test.ts', 'suites/**/*.test.ts', 'test/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'conformance',
          include: ['conformance/**/*.test.ts'],
          // One engine run for every target happens before the first test reads its result.
          hookTimeout: 3_600_000,
        },
      },
    ],
  },
});
