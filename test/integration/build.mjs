// Bundles the extension-host suite: test/integration/suite/index.ts -> dist/test/suite/index.js
// (Node, CommonJS; vscode and mocha stay external: the host provides vscode, node_modules mocha).
import * as esbuild from 'esbuild';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export async function buildSuite() {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['test/integration/suite/index.ts'],
    outfile: 'dist/test/suite/index.js',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    mainFields: ['module', 'main'], // as scripts/build.mjs: jsonc-parser's UMD main does not bundle (the training tests load specs)
    logLevel: 'warning',
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildSuite();
