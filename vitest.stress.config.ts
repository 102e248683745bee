import { defineConfig } from 'vitest/config';

// The stress loops (the crash case of issue 13, 90 runs of the built CLI, about a minute):
// `npm test` runs them after the suite (scripts/test.mjs); `npm run stress` runs them alone.
export default defineConfig({
  test: {
    include: ['__tests__/**/*.stress.ts'],
    testTimeout: 600_000,
    pool: 'forks',
  },
});
