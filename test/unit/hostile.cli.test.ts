/**
 * Hostile inputs through bptt as a process: each gets its exit status and its message (with its
 * place in the spec), within a generous timeout; nothing hangs, reads a device or writes outside.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pseudoText } from './helpers/text';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'bptt-hostile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function bptt(args: string[], timeout = 30_000) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout, maxBuffer: 64 << 20, env: { ...process.env, BPTT_DEBUG: '' } });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
const noStack = (text: string) => expect(text).not.toMatch(/^\s+at |internal error/m);

/** Writes a spec into its own folder under tmp; returns its path. */
function spec(dir: string, name: string, text: string): string {
  mkdirSync(join(tmp, dir), { recursive: true });
  const path = join(tmp, dir, name);
  writeFileSync(path, text);
  return path;
}
const corpusSpec = (file: string) => `model: {cell: rnn, hidden: 2}\ndata:\n  file: ${file}\n  seq: 3\n`;

describe('data.file naming something that is not an ordinary file in reach', () => {
  const cases: [string, string | null, RegExp][] = [
    ['/dev/zero', null, /is a character device, not a regular file/],
    ['/dev/urandom', null, /is a character device, not a regular file/],
    ['pipe', 'fifo', /is a FIFO \(named pipe\), not a regular file/],
    ['folder', 'dir', /is a directory, not a regular file/],
    ['../../../../../../../../etc/passwd', null, /lies outside the spec's folder or the current folder \(it resolves to \/etc\/passwd\)/],
    ['/proc/self/environ', null, /is a system file \(\/proc\/\d+\/environ\)/],
  ];
  for (const [file, make, msg] of cases) {
    it(`${file}: exit 2, the reason at data.file (3:9), promptly`, () => {
      const dir = `df-${file.replace(/\W/g, '')}`;
      const path = spec(dir, 'c.rnn.yaml', corpusSpec(file));
      if (make === 'fifo') execFileSync('mkfifo', [join(tmp, dir, 'pipe')]);
      if (make === 'dir') mkdirSync(join(tmp, dir, 'folder'));
      const r = bptt(['trace', path], 20_000);
      expect(r.signal).toBeNull(); // not killed by the timeout: it did not block or grow
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:9: data\\.file: cannot read '${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}': `));
      expect(r.stderr).toMatch(msg);
      expect(r.stdout).toBe('');
      noStack(r.stderr);
    });
  }

  it('the spec itself may not be a device or a FIFO either', () => {
    const r = bptt(['trace', '/dev/zero'], 20_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('/dev/zero: cannot read spec: is a character device, not a regular file\n');
  });
});

const HELLO = readFileSync(join(ROOT, 'examples', 'hello.rnn.yaml'), 'utf8');

describe('weights files', () => {
  it('a symlink to /dev/zero as SPEC.weights.json: --resume refuses it, exit 2', () => {
    const path = spec('zero', 'hello.rnn.yaml', HELLO);
    symlinkSync('/dev/zero', join(tmp, 'zero', 'hello.weights.json'));
    const r = bptt(['train', path, '--resume'], 20_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/hello\.weights\.json: cannot read the weights: is a character device, not a regular file\n$/);
    const t = bptt(['trace', path, '--weights', join(tmp, 'zero', 'hello.weights.json')], 20_000);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/cannot read the weights: is a character device/);
  });

  it("name: ../../ESCAPED cannot choose where train writes: SPEC.weights.json beside the spec", () => {
    const path = spec('deep/a/b', 'esc.rnn.yaml', HELLO.replace(/^name: hello$/m, 'name: ../../ESCAPED'));
    const r = bptt(['train', path, '--epochs', '3'], 30_000);
    expect(r.code).toBe(0);
    expect(existsSync(join(tmp, 'deep', 'a', 'b', 'esc.weights.json'))).toBe(true);
    expect(existsSync(join(tmp, 'deep', 'ESCAPED.weights.json'))).toBe(false);
    expect(readdirSync(join(tmp, 'deep')).sort()).toEqual(['a']);
  });

  it('1e999 in a weights file is named as what it is, not "null"', () => {
    const path = spec('big', 'hello.rnn.yaml', HELLO);
    expect(bptt(['train', path, '--epochs', '2']).code).toBe(0);
    const w = join(tmp, 'big', 'hello.weights.json');
    writeFileSync(w, readFileSync(w, 'utf8').replace(/"W_hh": \[\n\s*\[[^,\]]+/, (m) => m.replace(/[^\s[]+$/, '1e999')));
    const r = bptt(['trace', path, '--weights', w]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${w}: params.W_hh: entry [0,0] is a number beyond the float64 range (it reads as Infinity, e.g. 1e999), not a finite number\n`);
  });

  it('a weights file with a byte-order mark is read', () => {
    const path = spec('bom', 'hello.rnn.yaml', HELLO);
    expect(bptt(['train', path, '--epochs', '2']).code).toBe(0);
    const w = join(tmp, 'bom', 'hello.weights.json');
    writeFileSync(w, '\uFEFF' + readFileSync(w, 'utf8'));
    const r = bptt(['trace', path, '--weights', w]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('FILE.tmp-PID left by a killed writer is removed at the start; a live writer\'s is kept', () => {
    const path = spec('stale', 'hello.rnn.yaml', HELLO);
    const dead = join(tmp, 'stale', 'hello.weights.json.tmp-999999999');
    const live = join(tmp, 'stale', `hello.weights.json.tmp-${process.pid}`);
    writeFileSync(dead, '{"partial');
    writeFileSync(live, '{"partial');
    expect(bptt(['train', path, '--epochs', '2']).code).toBe(0);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});

describe('long and large specs that are valid', () => {
  /** A pseudo-random text over 27 characters. */
  const text = (n: number) => pseudoText(n, 99);

  it('a trace of T = 150,000: exit 0, the table elides the middle, no stack overflow', () => {
    const path = spec('long', 'long.rnn.yaml', `model: {cell: rnn, hidden: 2}\ndata:\n  text: "${text(150_001)}"\n`);
    const r = bptt(['trace', path], 120_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/T=150000;/);
    expect(r.stdout).toMatch(/^\s+… 149,900 steps not shown \(--json has every step\)$/m);
    expect(r.stdout).toMatch(/^150000 /m);
  }, 150_000);

  it('an RNN with hidden 1 on a long text (T·H small, records many): exit 0, no heap exhaustion', () => {
    const path = spec('h1', 'h1.rnn.yaml', `model: {cell: rnn, hidden: 1}\ndata:\n  text: "${text(400_001)}"\n`);
    const r = bptt(['trace', path], 150_000);
    expect(r.signal).toBeNull();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/H=1 K=27, T=400000;/);
  }, 180_000);

  it('flow at hidden 1200: finishes (bounded spectra), says they are estimates', () => {
    const path = spec('wide', 'wide.rnn.yaml', 'model: {cell: rnn, hidden: 1200}\ndata: {text: "hello world"}\n');
    const r = bptt(['flow', path, '--json'], 90_000);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.spectral_estimated).toBe(true);
    expect(out.spectral_radius).toBeGreaterThan(0.5);
    expect(out.spectral_radius).toBeLessThanOrEqual(out.spectral_norm);
  }, 120_000);
});

describe('NaN and control characters', () => {
  const blowup = 'name: blowup\nmodel: {cell: rnn, hidden: 1, activation: identity, output: identity}\nloss: mse\ndata: {inputs: [[1], [1], [1], [1]], targets: [[0], [0], [0], [0]]}\ninit:\n  weights: {W_xh: [[1e200]], W_hh: [[1e200]], b_h: [0], W_hy: [[1e-200]], b_y: [0]}\n';

  it('a trace that overflows: exit 1, and where the first non-finite value appeared', () => {
    const path = spec('nan', 'blowup.rnn.yaml', blowup);
    const r = bptt(['trace', path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('bptt trace: the first non-finite value: forward t=2: pre.a[0] is Infinity; every value computed from it is non-finite too\n');
    expect(r.stdout).toMatch(/^2 .*∞/m);
  });

  it('--json carries it as "nonfinite" (null for a finite trace)', () => {
    const path = spec('nan', 'blowup.rnn.yaml', blowup);
    const r = bptt(['trace', path, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).nonfinite).toEqual({ phase: 'forward', t: 2, name: 'pre.a', index: [0], value: 'Infinity' });
    expect(JSON.parse(bptt(['trace', 'examples/hello.rnn.yaml', '--json']).stdout).nonfinite).toBeNull();
  });

  it('ESC sequences in a name and in a key reach the terminal escaped, never raw', () => {
    const path = spec('esc', 'esc.rnn.yaml', 'name: "\\e[2J\\e]0;pwned\\a\\u009b31m"\nmodel: {cell: rnn, hidden: 2}\ndata: {text: "he\\ello"}\n');
    const t = bptt(['trace', path]);
    expect(t.code).toBe(0);
    expect(t.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(t.stdout).toMatch(/^\\x1b\[2J\\x1b\]0;pwned\\x07\\x9b31m: rnn/m);
    const j = bptt(['trace', path, '--json']);
    expect(j.stdout).not.toMatch(/[\u007f-\u009f]/);
    const bad = spec('esc', 'key.rnn.yaml', 'model: {cell: rnn, hidden: 2}\ndata: {text: hello}\n"\\e[31mred": 1\n');
    const e = bptt(['trace', bad]);
    expect(e.code).toBe(2);
    expect(e.stderr).not.toMatch(/\u001b/);
    expect(e.stderr).toMatch(/:3:1: unknown field '\\x1b\[31mred' at the top level/);
  });
});

describe('a second Ctrl-C', () => {
  it('stops bptt train at once, even inside a long update; the last checkpoint stays as it was', async () => {
    // One update of this model takes many seconds: the first SIGINT alone would wait it out.
    const path = spec('ctrlc', 'slow.rnn.yaml', `model: {cell: lstm, hidden: 600}\ndata:\n  text: "${'abcdefghij'.repeat(300)}"\ntrain: {epochs: 5}\n`);
    const child = spawn(process.execPath, [CLI, 'train', path], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const { code, signal } = await exit;
    clearTimeout(timer);
    expect(signal).toBeNull(); // it exited by itself, not by the test's SIGKILL
    expect(code).toBe(130);
    expect(stderr).toMatch(/stopped at once by a second SIGINT; the last checkpoint \(if any\) in .*slow\.weights\.json is as it was/);
    expect(existsSync(join(tmp, 'ctrlc', 'slow.weights.json'))).toBe(false); // no update finished: nothing written
  }, 30_000);
});

describe('options out of range and outputs that cannot be written', () => {
  const hello = join(ROOT, 'examples', 'hello.rnn.yaml');
  const weights = () => {
    const path = join(tmp, 'opts', 'hello.weights.json');
    if (!existsSync(path)) {
      mkdirSync(join(tmp, 'opts'), { recursive: true });
      expect(bptt(['train', hello, '--epochs', '2', '--out', path]).code).toBe(0);
    }
    return path;
  };

  it('sample --length 1e12 is refused with its bound, at once (it generated until memory ran out)', () => {
    const r = bptt(['sample', hello, '--weights', weights(), '--length', '1e12'], 20_000);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^bptt sample: --length: expected an integer in 0\.\.1,000,000, found 1e12$/m);
  });

  it('train --epochs past 2^53 (no longer an exact count) is refused before training', () => {
    const r = bptt(['train', hello, '--epochs', '1e99', '--out', join(tmp, 'opts', 'never.json')], 20_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^bptt train: --epochs: expected a positive integer, found 1e99$/m);
    expect(existsSync(join(tmp, 'opts', 'never.json'))).toBe(false);
  });

  it("bench's bad options name the command and show its usage", () => {
    const r = bptt(['bench', '--runs', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^bptt bench: --runs: expected an integer in 1\.\.1000, found 0\n\nUsage: bptt bench/);
  });

  it('export --pytorch to a folder or into a missing one: the script is named and why, no temporary file left', () => {
    const dir = join(tmp, 'opts', 'out-dir');
    mkdirSync(dir, { recursive: true });
    let r = bptt(['export', hello, '--pytorch', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${dir}: cannot write the script: it is a directory\n`);
    r = bptt(['export', hello, '--pytorch', join(dir, 'missing', 'x.py')]);
    expect(r.stderr).toBe(`${join(dir, 'missing', 'x.py')}: cannot write the script: its folder does not exist\n`);
    expect(readdirSync(join(tmp, 'opts')).filter((n) => n.includes('.tmp-'))).toEqual([]);
    r = bptt(['export', hello]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^bptt export: missing --pytorch OUT\.py \(the script to write\)\n\nUsage: bptt export/);
  });
});
