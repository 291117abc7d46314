import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    // BERTH_LEAK_CHECK=1 (.ci/run): a test file that leaves links, mounts or engine processes on the host fails.
    setupFiles: ['test/cache-home.ts', 'test/leak-check.ts'],
    // .ci/run asks for a JSON summary too, to print the plain "N passed, N failed" line CI reads.
    reporters: process.env.BERTH_TEST_REPORT ? ['default', 'json'] : ['default'],
    outputFile: process.env.BERTH_TEST_REPORT ? { json: process.env.BERTH_TEST_REPORT } : undefined,
  },
});
