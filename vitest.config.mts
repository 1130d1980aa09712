import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    // Builds dist/ once for the tests that run the CLI as a process.
    globalSetup: ['test/globalSetup.ts'],
    // Property tests and gradient checks do real work: give them room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
