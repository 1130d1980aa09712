/** Vitest global setup: build dist/ once (unless scripts/test.mjs just did) for the CLI-as-a-process tests. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  if (process.env.BPTT_SKIP_BUILD === '1') return;
  const root = join(__dirname, '..');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}${r.stderr}`);
}
