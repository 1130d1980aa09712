/** bptt train / sample / trace --weights as processes: atomic checkpoints, signals, resume. */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/engine/spec';
import { parseWeights, resumableState, type Problem } from '../../src/engine';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'bptt-train-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const SPEC = join(tmp, 'hello.rnn.yaml');
copyFileSync(join(ROOT, 'examples', 'hello.rnn.yaml'), SPEC);
const hello = loadSpec(readFileSync(SPEC, 'utf8')).problem as Problem;

function bptt(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, BPTT_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const leftovers = () => readdirSync(tmp).filter((f) => f.includes('.tmp-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A long run (far more epochs than it will get to) writing a checkpoint every 10 ms. */
function longRun(out: string) {
  const child = spawn(process.execPath, [CLI, 'train', SPEC, '--epochs', '100000000', '--out', out, '--checkpoint-seconds', '0.01'], { cwd: ROOT });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, exit, stderr: () => stderr };
}

describe('bptt train', () => {
  const out = join(tmp, 'hello.weights.json');
  let r: ReturnType<typeof bptt>;
  beforeAll(() => {
    r = bptt('train', SPEC);
  });

  it('writes NAME.weights.json beside the spec, valid, with no temporary file left', () => {
    expect(r.stderr).toMatch(/hello: 200 epochs, 200 steps, loss 0\.00\d+, weights written to .*hello\.weights\.json/);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const w = parseWeights(readFileSync(out, 'utf8'), hello);
    expect(w.progress?.epoch).toBe(200);
    expect(leftovers()).toEqual([]);
  });

  it("bptt sample prints 'hello' greedily from 'h'", () => {
    const s = bptt('sample', SPEC, '--weights', out, '--prime', 'h', '--length', '4', '--temperature', '0');
    expect(s).toEqual({ code: 0, stdout: 'hello\n', stderr: '' });
  });

  it('bptt trace --weights traces with the trained weights (lower loss than untrained)', () => {
    const untrained = JSON.parse(bptt('trace', SPEC, '--json').stdout).loss;
    const t = bptt('trace', SPEC, '--weights', out, '--json');
    expect(t.code).toBe(0);
    const loss = JSON.parse(t.stdout).loss;
    expect(loss).toBeLessThan(0.05);
    expect(loss).toBeLessThan(untrained);
  });

  it('--resume continues exactly: 80 epochs then resumed to 200 equals 200 straight', () => {
    const part = join(tmp, 'part.weights.json');
    expect(bptt('train', SPEC, '--out', part, '--epochs', '80').code).toBe(0);
    expect(resumableState(parseWeights(readFileSync(part, 'utf8'), hello)).progress.step).toBe(80);
    expect(bptt('train', SPEC, '--out', part, '--resume', '--epochs', '200').code).toBe(0);
    expect(readFileSync(part, 'utf8')).toBe(readFileSync(out, 'utf8'));
  });

  it('rejects a weights file that does not fit the spec, with the file and the reason', () => {
    const bad = join(tmp, 'bad.weights.json');
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    doc.params.W_hh.pop();
    writeFileSync(bad, JSON.stringify(doc));
    const s = bptt('sample', SPEC, '--weights', bad);
    expect(s.code).toBe(2);
    expect(s.stderr).toBe(`${bad}: params.W_hh: expected shape [3, 3], found a list of 2\n`);
    expect(bptt('train', SPEC, '--out', join(tmp, 'none.json'), '--resume').stderr).toMatch(/none\.json: cannot read the weights: no such file/);
  });

  it('stops on a non-finite loss or gradient with the step and the parameter, exit 1', () => {
    const spec = join(tmp, 'blowup.rnn.yaml');
    writeFileSync(spec, 'name: blowup\nmodel: { cell: rnn, hidden: 2, activation: identity, output: identity }\nloss: mse\ndata: { inputs: [[1], [1], [1]], targets: [[1], [1], [1]] }\ntrain: { optimizer: sgd, lr: 1e6, clip: none, epochs: 1000 }\n');
    const s = bptt('train', spec);
    expect(s.code).toBe(1);
    // The error starts a line of its own: a progress line (once a second) may come before it on a loaded machine.
    expect(s.stderr).toMatch(/^bptt train: step \d+ \(epoch \d+\): .*(W_xh|W_hh|b_h|W_hy|b_y)\[[\d,]+\].*(NaN|Infinity)/m);
    expect(existsSync(join(tmp, 'blowup.weights.json'))).toBe(false);
  });
});

describe('bptt train under signals', () => {
  it('SIGINT stops within a fraction of a second, writes a valid checkpoint, exits 130', async () => {
    const out = join(tmp, 'int.weights.json');
    const run = longRun(out);
    while (!existsSync(out)) await sleep(20);
    await sleep(200);
    const t0 = Date.now();
    run.child.kill('SIGINT');
    const { code } = await run.exit;
    expect(Date.now() - t0).toBeLessThan(3000); // a hang guard (the run's updates last seconds); figures go to the bench, not here
    expect(code).toBe(130);
    expect(run.stderr()).toMatch(/stopped by SIGINT at step \d+/);
    const state = resumableState(parseWeights(readFileSync(out, 'utf8'), hello));
    expect(state.progress.step).toBeGreaterThan(0);
    expect(leftovers()).toEqual([]);
  });

  it('SIGKILL at any moment leaves no file or a valid one, never a partial (readers see only whole files)', async () => {
    for (const delay of [5, 60, 150, 300, 450]) {
      const out = join(tmp, `kill-${delay}.weights.json`);
      const run = longRun(out);
      const start = Date.now();
      while (Date.now() - start < delay) {
        if (existsSync(out)) parseWeights(readFileSync(out, 'utf8'), hello); // every read while it writes is a whole file
        await sleep(1);
      }
      run.child.kill('SIGKILL');
      expect((await run.exit).signal).toBe('SIGKILL');
      if (existsSync(out)) expect(parseWeights(readFileSync(out, 'utf8'), hello).progress?.step).toBeGreaterThan(0);
    }
    // And while checkpoints are being written: wait for the first (process start-up time varies
    // with the machine's load), read through several more, then kill.
    const out = join(tmp, 'kill-writing.weights.json');
    const run = longRun(out);
    const start = Date.now();
    while (!existsSync(out) && Date.now() - start < 20_000) await sleep(5);
    let reads = 0;
    for (const until = Date.now() + 300; Date.now() < until; await sleep(1)) {
      parseWeights(readFileSync(out, 'utf8'), hello); // every read while it writes is a whole file
      reads++;
    }
    run.child.kill('SIGKILL');
    expect((await run.exit).signal).toBe('SIGKILL');
    expect(reads).toBeGreaterThan(0);
    expect(parseWeights(readFileSync(out, 'utf8'), hello).progress?.step).toBeGreaterThan(0);
    // A kill may strand OUT.tmp-PID (never OUT itself); clean up.
    for (const f of leftovers()) rmSync(join(tmp, f));
  });
});

describe('bptt train --resume with changed settings', () => {
  it('warns that the run will differ', () => {
    const out = join(tmp, 'warn.weights.json');
    expect(bptt('train', SPEC, '--out', out, '--epochs', '5').code).toBe(0);
    const spec2 = join(tmp, 'hello2.rnn.yaml');
    writeFileSync(spec2, readFileSync(SPEC, 'utf8').replace('lr: 0.05', 'lr: 0.01'));
    const r = bptt('train', spec2, '--out', out, '--resume', '--epochs', '6');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: resuming with lr 0.01 \(saved 0.05\); the run will differ/);
  });
});
