// The one build: esbuild bundles for the extension host, the CLI and the webview. Type checking is
// apart (npm run typecheck). Flags: --production minifies; --watch rebuilds on change.
import * as esbuild from 'esbuild';
import { chmodSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildKernels } from './wasmKernels.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Options every bundle shares. */
const common = {
  absWorkingDir: root,
  bundle: true,
  sourcemap: true,
  minify: production,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
};

/** Makes dist/cli.js runnable as `./dist/cli.js` (and through package.json's bin). */
const chmodCli = {
  name: 'chmod-cli',
  setup(build) {
    build.onEnd((result) => {
      if (result.errors.length === 0 && existsSync(resolve(root, 'dist/cli.js'))) chmodSync(resolve(root, 'dist/cli.js'), 0o755);
    });
  },
};

/** Each bundle, when its entry point exists (the host and the webview arrive in later issues). */
const bundles = [
  {
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    mainFields: ['module', 'main'], // ESM builds first: jsonc-parser's UMD main does not bundle
  },
  {
    entryPoints: ['src/node/training/trainWorker.ts'],
    outfile: 'dist/trainWorker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
  },
  {
    entryPoints: ['src/extension/engine/worker.ts'],
    outfile: 'dist/engineWorker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
  },
  {
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    mainFields: ['module', 'main'],
    banner: { js: '#!/usr/bin/env node' },
    plugins: [chmodCli],
  },
  {
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
].filter((b) => existsSync(resolve(root, b.entryPoints[0])));

// The WebAssembly kernels first: the engine bundles their bytes (rebuilt only when wasm/ changed).
await buildKernels();

const contexts = await Promise.all(bundles.map((b) => esbuild.context({ ...common, ...b })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  console.log(`watching ${bundles.map((b) => b.outfile).join(', ')}`);
} else {
  try {
    await Promise.all(contexts.map((c) => c.rebuild()));
  } catch {
    process.exitCode = 1; // esbuild has already printed the errors
  } finally {
    await Promise.all(contexts.map((c) => c.dispose()));
  }
}
