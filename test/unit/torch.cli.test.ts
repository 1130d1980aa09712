/** `bptt trace --weights` with PyTorch files, as a process (dist/cli.js, built by test/globalSetup.ts). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const DIR = join(ROOT, 'test', 'fixtures', 'torch');
const tmp = mkdtempSync(join(tmpdir(), 'bptt-torch-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function bptt(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, BPTT_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The fixture's spec without its init.weights_file, so --weights alone brings the weights. */
function bareSpec(name: string): string {
  const file = join(tmp, `${name}.rnn.yaml`);
  writeFileSync(file, readFileSync(join(DIR, `${name}.rnn.yaml`), 'utf8').replace(/^init:\n  weights_file: .*\n/m, ''));
  return file;
}

describe('bptt trace --weights FILE.pt | FILE.safetensors', () => {
  for (const [name, ext] of [['gru_l1', 'safetensors'], ['lstm_l1_nobias_f32', 'pt']]) {
    it(`${name}.${ext}: the loss PyTorch autograd computed`, () => {
      const ex = JSON.parse(readFileSync(join(DIR, `${name}.expected.json`), 'utf8')) as { loss: number; grads: Record<string, number[][]> };
      const r = bptt('trace', bareSpec(name), '--weights', join(DIR, `${name}.${ext}`), '--json');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { loss: number; grads: Record<string, number[][]> };
      expect(Math.abs(out.loss - ex.loss)).toBeLessThan(1e-9);
      expect(out.grads.W_hy[0][0]).toBeCloseTo(ex.grads.W_hy[0][0], 9);
    });
  }

  it('a hostile pickle: exit 2, the refusal, no stack trace', () => {
    const r = bptt('trace', bareSpec('rnn_l1'), '--weights', join(DIR, 'hostile', 'os_system.pt'), '--json');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('refused to load global posix.system');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('a mismatch names the key and both shapes', () => {
    const spec = bareSpec('rnn_l1');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('hidden: 3', 'hidden: 5'));
    const r = bptt('trace', spec, '--weights', join(DIR, 'rnn_l1.pt'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rnn.weight_ih_l0 has shape [3, 8], expected [5, 8]');
  });
});

describe('bptt export --pytorch', () => {
  it('writes a script that python3 runs to the loss PyTorch autograd computed for the file', () => {
    const ex = JSON.parse(readFileSync(join(DIR, 'lstm_l1.expected.json'), 'utf8')) as { loss: number };
    const out = join(tmp, 'lstm.py');
    const r = bptt('export', bareSpec('lstm_l1'), '--weights', join(DIR, 'lstm_l1.safetensors'), '--pytorch', out);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`PyTorch script written to ${out}`);
    const py = spawnSync('/usr/bin/python3', [out], { encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
    expect(Math.abs((JSON.parse(py.stdout) as { loss: number }).loss - ex.loss)).toBeLessThan(1e-9);
  });

  it('without --pytorch: a usage error', () => {
    const r = bptt('export', bareSpec('rnn_l1'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing --pytorch OUT.py');
  });
});
