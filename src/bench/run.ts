/**
 * `bptt bench`: the benchmark suite. Medians of repeated runs after a warm-up, beside PyTorch on CPU
 * (one thread, float64 and float32) measured in the same run when it can be imported.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { runTrace } from '../engine';
import { snapshotAt } from '../extension/snapshot';
import { CONFIGS, type BenchConfig } from './configs';
import { benchProblem } from './problem';

export interface BenchResult {
  config: string;
  fwd_bwd_ms: number;
  runs: number;
  torch_f64_ms?: number;
  torch_f32_ms?: number;
  ratio_f64?: number;
  snapshot_bytes?: number;
}

export interface BenchOptions {
  reps: number;
  json?: string;
  root: string;
  log: (line: string) => void;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function time(reps: number, f: () => void): number {
  f(); // warm-up: compile and settle the JIT
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** PyTorch's medians by config and dtype, or the reason it could not run. */
function torchReference(configs: BenchConfig[], reps: number, root: string): Map<string, number> | string {
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const script = join(root, 'scripts', 'bench_torch.py');
  const r = spawnSync(python, [script, String(reps)], { input: JSON.stringify(configs), encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) return (r.stderr || r.error?.message || 'failed').trim().split('\n').pop() ?? 'failed';
  const out = JSON.parse(r.stdout) as { results: { config: string; dtype: string; fwd_bwd_ms: number }[] };
  return new Map(out.results.map((x) => [`${x.config}/${x.dtype}`, x.fwd_bwd_ms]));
}

export function runBench(opts: BenchOptions): BenchResult[] {
  const { reps, log } = opts;
  log(`bptt bench: ${reps} runs per configuration after a warm-up, medians (Node ${process.version})`);
  const torch = torchReference(CONFIGS, reps, opts.root);
  if (typeof torch === 'string') log(`PyTorch reference unavailable (${torch}); ours only.`);
  const results: BenchResult[] = [];
  const pad = (s: string, n: number): string => s.padStart(n);
  log(`${'config'.padEnd(16)}${pad('ours ms', 10)}${pad('torch f64', 11)}${pad('torch f32', 11)}${pad('ours/f64', 10)}`);
  for (const c of CONFIGS) {
    const problem = benchProblem(c);
    const ms = time(reps, () => runTrace(problem));
    const r: BenchResult = { config: c.name, fwd_bwd_ms: ms, runs: reps };
    if (typeof torch !== 'string') {
      r.torch_f64_ms = torch.get(`${c.name}/float64`);
      r.torch_f32_ms = torch.get(`${c.name}/float32`);
      if (r.torch_f64_ms) r.ratio_f64 = ms / r.torch_f64_ms;
    }
    results.push(r);
    const f = (v?: number): string => (v === undefined ? '—' : v.toFixed(1));
    log(`${c.name.padEnd(16)}${pad(f(ms), 10)}${pad(f(r.torch_f64_ms), 11)}${pad(f(r.torch_f32_ms), 11)}${pad(r.ratio_f64 ? r.ratio_f64.toFixed(2) : '—', 10)}`);
  }
  // Moving the panel's cursor: one snapshot of an arbitrary (phase, t) on a T=1,000 H=256 LSTM trace.
  const cfg: BenchConfig = { name: 'cursor', cell: 'lstm', H: 256, T: 1000, D: 64, K: 64, batch: 1 };
  const problem = benchProblem(cfg);
  const trace = runTrace(problem);
  let k = 0;
  const cursors = Array.from({ length: 32 }, (_, i) => ({ phase: (i % 2 ? 'backward' : 'forward') as 'forward' | 'backward', t: 1 + ((i * 389) % cfg.T) }));
  const cursorMs = time(Math.max(reps, 16), () => {
    JSON.stringify(snapshotAt(problem, trace, cursors[k++ % cursors.length]));
  });
  const bytes = JSON.stringify(snapshotAt(problem, trace, { phase: 'backward', t: 500 })).length;
  results.push({ config: 'cursor-move-lstm-h256-t1000', fwd_bwd_ms: cursorMs, runs: Math.max(reps, 16), snapshot_bytes: bytes });
  log(`cursor move (snapshot of one (phase, t), LSTM H=256 T=1000): ${cursorMs.toFixed(2)} ms median; a backward snapshot (heatmaps pooled to 48x48) is ${(bytes / 1024).toFixed(0)} KiB as JSON`);
  log('not yet measured: lstm-b32 (batching) and the T=100,000 trace memory (checkpointed traces): see the performance issue.');
  if (opts.json) writeFileSync(opts.json, JSON.stringify({ machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model }, results }, null, 2));
  return results;
}

/** The package root (where scripts/bench_torch.py lives), found upwards from a file's folder. */
export function packageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dir !== '/') dir = join(dir, '..');
  return dir;
}
