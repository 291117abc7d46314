import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    // .ci/run asks for a JSON summary too, to print the plain "N passed, N failed" line CI reads.
    reporters: process.env.BERTH_TEST_REPORT ? ['default', 'json'] : ['default'],
    outputFile: process.env.BERTH_TEST_REPORT ? { json: process.env.BERTH_TEST_REPORT } : undefined,
  },
});
