import { defineConfig } from 'vitest/config';

// `npm run stress`: loops too slow for every `npm test` (the crash case of issue 13, 90 runs of
// the built CLI); .ci/run runs them after the suite.
export default defineConfig({
  test: {
    include: ['__tests__/**/*.stress.ts'],
    testTimeout: 600_000,
    pool: 'forks',
  },
});
