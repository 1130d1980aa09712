// The engine's own numbers for a spec, to compare with what the panel shows: the engine and the
// spec loader bundled with esbuild into a temporary module (no dependency on the CLI being built).
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const SOURCE = `
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadSpec } from './src/engine/spec';
import { runTrace } from './src/engine';
import { formatNumber } from './src/format';
export { formatNumber };
/** { name, T, forward[t-1]: { h, loss }, backward[t-1]: { dh } } as plain arrays. */
export function expectedTrace(file) {
  const { problem, diagnostics } = loadSpec(readFileSync(file, 'utf8'), { file, readFile: (p) => readFileSync(resolve(dirname(file), p), 'utf8') });
  if (!problem) throw new Error(diagnostics.map((d) => d.line + ':' + d.column + ' ' + d.message).join('\\n'));
  const trace = runTrace(problem);
  const forward = [], backward = [];
  for (let t = 1; t <= trace.T; t++) {
    const f = trace.forward(t);
    forward.push({ h: Array.from(f.h), loss: f.loss });
    backward.push({ dh: Array.from(trace.backward(t).dh) });
  }
  return { name: problem.name, T: trace.T, loss: trace.loss, forward, backward };
}
`;

/** Bundles the helper into tmpDir and imports it. */
export async function loadExpected(tmpDir) {
  const outfile = join(tmpDir, 'expected-helper.cjs');
  await esbuild.build({
    stdin: { contents: SOURCE, resolveDir: root, loader: 'ts', sourcefile: 'expected-helper.ts' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    mainFields: ['module', 'main'], // jsonc-parser's UMD main hides its requires from esbuild
    target: 'node20',
    logLevel: 'warning',
  });
  return createRequire(import.meta.url)(outfile);
}

export const readText = (f) => readFileSync(f, 'utf8');
