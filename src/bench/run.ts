/**
 * `bptt bench`: the benchmark suite. Medians of repeated runs after a warm-up, beside PyTorch on CPU
 * (one thread, float64 and float32) measured in the same run when it can be imported.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { batchGrads, runTrace, Trainer } from '../engine';
import { kernelBuild, setKernels } from '../engine/linalg';
import { StepSession } from '../session/session';
import { messageBytes } from '../messageBytes';
import { CONFIGS, type BenchConfig } from './configs';
import { benchBatch, benchProblem, TRAIN_BENCH, trainProblem } from './problem';

export interface BenchResult {
  config: string;
  fwd_bwd_ms: number;
  runs: number;
  /** The faster of PyTorch's two ways of writing the model (nn.LSTMCell loop, nn.LSTM module), float64. */
  torch_f64_ms?: number;
  torch_f32_ms?: number;
  /** Each way apart: the Python loop over the cell, and the nn module over the whole sequence. */
  torch_cell_f64_ms?: number;
  torch_nn_f64_ms?: number;
  ratio_f64?: number;
  /** The training bench: tokens per second, ours and PyTorch's. */
  tokens_per_s?: number;
  torch_tokens_per_s?: number;
  snapshot_bytes?: number;
  /** The checkpointed T=100,000 trace: retained bytes (heap + external, after GC), build time, peak RSS. */
  trace_bytes?: number;
  problem_bytes?: number;
  build_ms?: number;
  max_rss_bytes?: number;
  first_ms?: number;
}

export interface BenchOptions {
  reps: number;
  /** 'js' runs our side on the JavaScript kernels only, 'simd' on WebAssembly without fused multiply-adds (to compare). */
  kernels?: 'auto' | 'simd' | 'js';
  json?: string;
  root: string;
  log: (line: string) => void;
}

/** A full garbage collection, exposing gc for this process when node was not started with --expose-gc. */
function collect(): void {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
}

function retained(): number {
  collect();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/**
 * Process CPU time in ms (user + system, every thread). Both sides are timed so: on a machine shared
 * with other work it counts the work done, not the time spent waiting for a core.
 */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function time(reps: number, f: () => void): number {
  f(); // warm-up: compile and settle the JIT
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = cpuMs();
    f();
    times.push(cpuMs() - t0);
  }
  return median(times);
}

interface TorchReference {
  /** Medians by `config/dtype/style` (style cell or nn). */
  ms: Map<string, number>;
  train: { tokens_per_s: number } | null;
}

/** PyTorch's medians, or the reason it could not run. */
function torchReference(configs: BenchConfig[], reps: number, root: string, withTrain: boolean): TorchReference | string {
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const script = join(root, 'scripts', 'bench_torch.py');
  const input = JSON.stringify({ configs, train: withTrain ? TRAIN_BENCH : null });
  const r = spawnSync(python, [script, String(reps)], { input, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) return (r.stderr || r.error?.message || 'failed').trim().split('\n').pop() ?? 'failed';
  const out = JSON.parse(r.stdout) as { results: { config: string; dtype: string; style: string; fwd_bwd_ms: number }[]; train: { tokens_per_s: number } | null };
  return { ms: new Map(out.results.map((x) => [`${x.config}/${x.dtype}/${x.style}`, x.fwd_bwd_ms])), train: out.train };
}

const fastest = (...xs: (number | undefined)[]): number | undefined => {
  const ok = xs.filter((x): x is number => x !== undefined);
  return ok.length ? Math.min(...ok) : undefined;
};

const KERNEL_NAMES = { relaxed: 'WebAssembly SIMD with relaxed SIMD fused multiply-adds', simd: 'WebAssembly SIMD', js: 'JavaScript' };

export function runBench(opts: BenchOptions): BenchResult[] {
  const { reps, log } = opts;
  setKernels(opts.kernels ?? 'auto');
  log(`bptt bench: ${reps} runs per configuration after a warm-up, medians of process CPU time (Node ${process.version}, ${cpus().length} cpus, ${cpus()[0]?.model ?? '?'}; kernels: ${KERNEL_NAMES[kernelBuild()]})`);
  log('PyTorch: one thread; "cell" is a Python loop over nn.LSTMCell/GRUCell/RNNCell, "nn" the nn.LSTM/GRU/RNN module over the sequence; the ratio is against the faster f64.');
  log('Each configuration runs PyTorch, then ours, back to back, so both meet the same load on a shared machine.');
  const results: BenchResult[] = [];
  const pad = (s: string, n: number): string => s.padStart(n);
  log(`${'config'.padEnd(16)}${pad('ours ms', 10)}${pad('cell f64', 10)}${pad('nn f64', 10)}${pad('best f32', 10)}${pad('ours/f64', 10)}`);
  let torchTrain: TorchReference['train'] = null;
  const builtIn = CONFIGS.filter((c) => c.cell !== 'custom'); // PyTorch has no custom cell
  for (const c of CONFIGS) {
    const torch = c.cell === 'custom' ? null : torchReference([c], reps, opts.root, c === builtIn[builtIn.length - 1]);
    if (typeof torch === 'string') log(`PyTorch reference unavailable (${torch}); ours only.`);
    else if (torch) torchTrain = torch.train ?? torchTrain;
    let ms: number;
    if (c.batch > 1) {
      // Batched training: one forward and backward over the batch, gradients summed.
      const { problem, sequences } = benchBatch(c);
      const s0 = Object.fromEntries(Object.entries(problem.s0).map(([name, v]) => [name, sequences.map(() => v)]));
      ms = time(reps, () => batchGrads(problem.config, problem.bptt, problem.params, sequences, s0));
    } else {
      const problem = benchProblem(c);
      ms = time(reps, () => runTrace(problem));
    }
    const r: BenchResult = { config: c.name, fwd_bwd_ms: ms, runs: reps };
    if (torch && typeof torch !== 'string') {
      r.torch_cell_f64_ms = torch.ms.get(`${c.name}/float64/cell`);
      r.torch_nn_f64_ms = torch.ms.get(`${c.name}/float64/nn`);
      r.torch_f64_ms = fastest(r.torch_cell_f64_ms, r.torch_nn_f64_ms);
      r.torch_f32_ms = fastest(torch.ms.get(`${c.name}/float32/cell`), torch.ms.get(`${c.name}/float32/nn`));
      if (r.torch_f64_ms) r.ratio_f64 = ms / r.torch_f64_ms;
    }
    results.push(r);
    const f = (v?: number): string => (v === undefined ? '—' : v.toFixed(1));
    const base = c.equationsOf ? results.find((b) => b.config === c.name.replace('-equations', '')) : undefined;
    const vs = base ? `   ${(ms / base.fwd_bwd_ms).toFixed(2)}x the built-in ${base.config}` : '';
    log(`${c.name.padEnd(16)}${pad(f(ms), 10)}${pad(f(r.torch_cell_f64_ms), 10)}${pad(f(r.torch_nn_f64_ms), 10)}${pad(f(r.torch_f32_ms), 10)}${pad(r.ratio_f64 ? r.ratio_f64.toFixed(2) : '—', 10)}${vs}`);
  }
  results.push(trainBench(reps, torchTrain, log));
  results.push(cursorMove(reps, log));
  results.push(bigTrace(reps, log));
  if (opts.json) writeFileSync(opts.json, JSON.stringify({ machine: { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, kernels: kernelBuild() }, results }, null, 2));
  return results;
}

/** Training a char model: the median time of one Trainer update (a batch of 32 sequences of 64 tokens, Adam), as tokens per second. */
function trainBench(reps: number, torch: { tokens_per_s: number } | null, log: (line: string) => void): BenchResult {
  const trainer = Trainer.create(trainProblem());
  const ms = time(reps, () => trainer.step());
  const tokens = (TRAIN_BENCH.batch * TRAIN_BENCH.seq) / (ms / 1000);
  const { vocab, H, batch, seq } = TRAIN_BENCH;
  const vs = torch ? `; PyTorch nn.LSTM + Adam f64 ${torch.tokens_per_s.toFixed(0)} tokens/s, ratio ours/PyTorch ${(tokens / torch.tokens_per_s).toFixed(2)} (higher is faster)` : '';
  log(`training (char model, vocab ${vocab}, LSTM H=${H}, batch ${batch}, seq ${seq}, Adam): ${tokens.toFixed(0)} tokens/s (${ms.toFixed(0)} ms an update)${vs}`);
  return { config: 'train-char-lstm-h256-b32-s64', fwd_bwd_ms: ms, runs: reps, tokens_per_s: tokens, torch_tokens_per_s: torch?.tokens_per_s };
}

/** Moving the panel's cursor: one snapshot of an arbitrary (phase, t) on a T=1,000 H=256 LSTM trace. */
function cursorMove(reps: number, log: (line: string) => void): BenchResult {
  const cfg: BenchConfig = { name: 'cursor', cell: 'lstm', H: 256, T: 1000, D: 64, K: 64, batch: 1 };
  const problem = benchProblem(cfg);
  const t0 = cpuMs();
  const session = StepSession.build(problem, { file: 'bench', text: '', format: 'yaml' });
  const firstBuild = cpuMs() - t0;
  // The first backward move builds the running-sum checkpoints (deferred from the trace's build).
  const f0 = cpuMs();
  session.jump('end');
  session.snapshot();
  const firstMs = cpuMs() - f0;
  let k = 0;
  const cursors = Array.from({ length: 32 }, (_, i) => ({ phase: (i % 2 ? 'backward' : 'forward') as 'forward' | 'backward', t: 1 + ((i * 389) % cfg.T) }));
  const cursorMs = time(Math.max(reps, 16), () => {
    session.jump(cursors[k++ % cursors.length]);
    messageBytes(session.snapshot()); // serialised as VS Code posts it: JSON, typed arrays as binary
  });
  session.jump({ phase: 'backward', t: 500 });
  const bytes = messageBytes(session.snapshot());
  log(`cursor move (snapshot of one (phase, t), LSTM H=256 T=1000): ${cursorMs.toFixed(2)} ms median (the first move to backward t=1: ${firstMs.toFixed(0)} ms, building the running-sum checkpoints from T down); a backward snapshot is ${(bytes / 1024).toFixed(0)} KiB as posted (JSON, vectors binary)`);
  return { config: 'cursor-move-lstm-h256-t1000', fwd_bwd_ms: cursorMs, runs: Math.max(reps, 16), snapshot_bytes: bytes, build_ms: firstBuild, first_ms: firstMs };
}

/**
 * The T=100,000 H=128 LSTM trace (checkpointed above runTrace's size threshold): the bytes it
 * retains, the time to build it (one run: it is long), and the median time of a cursor move to a
 * random (phase, t): forward(t), or backward(t) with its contribution and running sum.
 */
function bigTrace(reps: number, log: (line: string) => void): BenchResult {
  const cfg: BenchConfig = { name: 'trace-100k', cell: 'lstm', H: 128, T: 100_000, D: 64, K: 64, batch: 1 };
  const before = retained();
  let problem: ReturnType<typeof benchProblem> | null = benchProblem(cfg);
  const withProblem = retained();
  const t0 = cpuMs();
  let trace: ReturnType<typeof runTrace> | null = runTrace(problem);
  const buildMs = cpuMs() - t0;
  const bytes = retained() - withProblem;
  const problemBytes = withProblem - before;
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const times: number[] = [];
  const n = Math.max(reps, 16);
  for (let i = 0; i < n; i++) {
    const t = 1 + Math.floor(rnd() * cfg.T);
    const start = cpuMs();
    trace.forward(t);
    if (i % 2) {
      trace.backward(t);
      trace.contribution(t);
      trace.accumulated(t);
    }
    times.push(cpuMs() - start);
  }
  const moveMs = median(times);
  const maxRss = process.resourceUsage().maxRSS * 1024;
  const checkpointed = trace.checkpointed;
  trace = null;
  problem = null;
  collect();
  log(
    `LSTM H=128 T=100,000 trace (${checkpointed ? 'checkpointed' : 'plain'}): ${(bytes / 2 ** 20).toFixed(0)} MiB retained (the problem's inputs and targets another ${(problemBytes / 2 ** 20).toFixed(0)} MiB), built in ${(buildMs / 1000).toFixed(1)} s (one run); ` +
      `cursor move to a random (phase, t) ${moveMs.toFixed(0)} ms median of ${n}; peak RSS of the bench process ${(maxRss / 2 ** 20).toFixed(0)} MiB`,
  );
  return { config: 'trace-lstm-h128-t100000', fwd_bwd_ms: moveMs, runs: n, trace_bytes: bytes, problem_bytes: problemBytes, build_ms: buildMs, max_rss_bytes: maxRss };
}

/** The package root (where scripts/bench_torch.py lives), found upwards from a file's folder. */
export function packageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dir !== '/') dir = join(dir, '..');
  return dir;
}
