import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'console/src/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Each file's own PostgreSQL database (PostgreSQL mode); expect.hasAssertions() before every test:
    // a test without an assertion fails.
    setupFiles: ['test/setup/database.ts', 'test/setup/assertions.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
