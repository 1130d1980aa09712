import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The webview in a real browser (chromium + playwright-core). Run: vitest run --config
 * test/webview/vitest.config.mts. The tests bundle webview/main.ts themselves (as scripts/build.mjs
 * does), so they need no build first.
 */
export default defineConfig({
  root: resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'),
  test: {
    include: ['test/webview/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // One browser per file; files in parallel would only fight over the CPU.
    fileParallelism: false,
  },
});
