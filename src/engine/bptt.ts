/**
 * The time loop, apart from the cells: the forward pass over t = 1..T, and the backward pass over
 * t = T..1 with full BPTT or either truncation. Every cell goes through the same loop.
 */
import type { BpttConfig, ModelConfig, Params, Sequence } from './types';
import { unroll, zeroState, type BackwardStep, type Cell, type CellState, type StepCache } from './cells';
import { outputFromLogits, outputStep, type OutputStep } from './output';
import { addInto, gemmABt, matTVecAdd, matVecInWasm } from './linalg';
import { pooledByLength } from './vecPool';

/** The records' vectors (dh, dL/dh from the output, a segment's logits) by length, from chunked pools (vecPool.ts). */
const fresh = pooledByLength();

export interface ForwardPass {
  caches: StepCache[];
  outs: OutputStep[];
  /** The total loss after reduction. */
  loss: number;
  /** 1 for sum, 1/N for mean over the N steps with a target. */
  scale: number;
}

export type { BackwardStep } from './cells';

/** 1 for a summed loss, 1/N for the mean over the N steps that have a target. */
export function lossScale(config: ModelConfig, seq: Sequence): number {
  if (config.reduction === 'sum') return 1;
  const n = seq.targets.reduce((a, t) => a + (t === null ? 0 : 1), 0);
  return n > 0 ? 1 / n : 1;
}

/** The output layer and the loss at step t, from the cell's step. */
export function output(config: ModelConfig, p: Params, seq: Sequence, t: number, cache: StepCache): OutputStep {
  return outputStep(p, config.K, config.H, config.output, config.loss, cache.h, seq.targets[t - 1]);
}

/**
 * The output layer and losses of a run of steps t0+1 .. t0+n (caches[i] is step t0+i+1): output()
 * step by step, or where its product runs in wasm, every step's z = b_y + W_hy h_t as rows of one
 * product (gemmABt: each element matVecAdd's sum, the same bits) and the rest per step.
 */
export function outputs(config: ModelConfig, p: Params, seq: Sequence, t0: number, caches: StepCache[]): OutputStep[] {
  const { K, H } = config, n = caches.length;
  if (n < 2 || !matVecInWasm(K, H)) return caches.map((cache, i) => output(config, p, seq, t0 + i + 1, cache));
  const outs: OutputStep[] = new Array(n);
  for (let lo = 0; lo < n; lo += OUTPUT_BLOCK) {
    const m = Math.min(OUTPUT_BLOCK, n - lo);
    if (logits.length < m * (H + K)) logits = new Float64Array(m * (H + K));
    const hs = logits.subarray(0, m * H), Z = logits.subarray(m * H, m * (H + K));
    for (let i = 0; i < m; i++) {
      hs.set(caches[lo + i].h, i * H);
      Z.set(p.b_y.data, i * K);
    }
    gemmABt(Z, hs, p.W_hy.data, m, K, H);
    for (let i = 0; i < m; i++) {
      const z = fresh(K);
      z.set(Z.subarray(i * K, (i + 1) * K));
      outs[lo + i] = outputFromLogits(z, K, config.output, config.loss, seq.targets[t0 + lo + i]);
    }
  }
  return outs;
}

/** Steps whose logits outputs forms as one product: its scratch stays bounded however long the run. */
const OUTPUT_BLOCK = 256;

/** outputs' packed h and logits, reused from call to call (read only within one). */
let logits = new Float64Array(0);

export function forwardPass(cell: Cell, config: ModelConfig, p: Params, seq: Sequence, s0: CellState): ForwardPass {
  const caches: StepCache[] = new Array(seq.inputs.length);
  unroll(cell, p, seq.inputs, s0, (cache, i) => {
    caches[i] = cache;
  });
  // The output layer after the steps: the logits of every step as one product where it runs in wasm.
  const outs = outputs(config, p, seq, 0, caches);
  const scale = lossScale(config, seq);
  let loss = 0;
  for (const out of outs) if (out.loss !== null) loss += out.loss;
  return { caches, outs, loss: loss * scale, scale };
}

/** dL/dh_t through the output at t: W_hy^T · dz_t. */
function fromOutput(p: Params, config: ModelConfig, dz: Float64Array): Float64Array {
  const d = fresh(config.H);
  matTVecAdd(d, p.W_hy.data, config.K, config.H, dz);
  return d;
}

/**
 * The backward pass. none: one sweep carrying every state's gradient (dh_next, dc_next, ...), as min-char-rnn does.
 * chunks: the same sweep, with what arrives from the future cut at each chunk's last step.
 * window: each L_s sends its gradient back through at most k steps; what reaches each step is
 * summed, then one step's backward on that sum gives its gradients (backward is linear).
 * slice (window): progress(done, 2T) after about every `steps` backward steps (the loss terms' sweeps count T, the steps' own T).
 */
export function backwardPass(cell: Cell, config: ModelConfig, bptt: BpttConfig, p: Params, fwd: ForwardPass, slice?: { steps: number; progress: (done: number, total: number) => void }): BackwardStep[] {
  const T = fwd.caches.length;
  if (bptt.truncate !== 'window') return backwardRange(cell, config, bptt, p, fwd.caches, fwd.outs, fwd.scale, 0, zeroState(cell));
  const dzs = fwd.outs.map((o) => scaled(o.dz, fwd.scale));
  const dhOut = dzs.map((dz) => fromOutput(p, config, dz));
  const steps: BackwardStep[] = new Array(T);

  const finish = (t: number, future: CellState): void => {
    const dh = dhOut[t - 1].slice();
    addInto(dh, future.h);
    const grad = cell.backward(p, fwd.caches[t - 1], { ...future, h: dh });
    steps[t - 1] = { dz: dzs[t - 1], dhFromOutput: dhOut[t - 1], dhFromFuture: future.h, dh, grad };
  };

  const k = bptt.k;
  // What arrives at each step from the future, every state summed over the L_s that reach it.
  const fut = Array.from({ length: T }, () => zeroState(cell));
  let swept = 0; // backward steps since the last progress call
  for (let s = T; s >= 1; s--) {
    if (slice && swept >= slice.steps) (swept = 0), slice.progress(T - s, 2 * T);
    if (fwd.outs[s - 1].loss === null) continue;
    let d: CellState = { ...zeroState(cell), h: dhOut[s - 1] };
    const first = Math.max(1, s - k + 1);
    swept += s - first;
    for (let j = s; j > first; j--) {
      d = cell.backward(p, fwd.caches[j - 1], d).dprev;
      for (const name of Object.keys(d)) addInto(fut[j - 2][name], d[name]);
    }
  }
  for (let t = T; t >= 1; t--) {
    if (slice && (T - t) % slice.steps === slice.steps - 1) slice.progress(2 * T - t, 2 * T);
    finish(t, fut[t - 1]);
  }
  return steps;
}

function scaled(dz: Float64Array, scale: number): Float64Array {
  const d = new Float64Array(dz.length);
  for (let k = 0; k < d.length; k++) d[k] = dz[k] * scale;
  return d;
}

/**
 * The one-sweep backward (none or chunks) over a run of steps t0+1 .. t0+n whose caches and outputs
 * are given, with dNext (every state's gradient) arriving at step t0+n from the future. backwardPass runs it
 * over the whole sequence; a checkpointed trace runs it segment by segment. Returns the steps' records.
 */
export function backwardRange(
  cell: Cell,
  config: ModelConfig,
  bptt: BpttConfig,
  p: Params,
  caches: StepCache[],
  outs: OutputStep[],
  scale: number,
  t0: number,
  dNext: CellState,
): BackwardStep[] {
  const n = caches.length;
  if (cell.backwardRun) {
    const dzs = outs.map((o) => (scale === 1 ? o.dz : scaled(o.dz, scale)));
    const run = cell.backwardRun(p, config.K, caches, dzs, t0, bptt.truncate === 'chunks' ? bptt.k : 0, dNext);
    if (run) return run;
  }
  const steps: BackwardStep[] = new Array(n);
  for (let i = n - 1; i >= 0; i--) {
    // t ends a chunk: nothing flows back from the next chunk.
    if (bptt.truncate === 'chunks' && (t0 + i + 1) % bptt.k === 0) dNext = zeroState(cell);
    const dz = scale === 1 ? outs[i].dz : scaled(outs[i].dz, scale); // x·1 is x: no copy under sum
    const dhFromOutput = fromOutput(p, config, dz);
    const dh = fresh(config.H);
    dh.set(dhFromOutput);
    addInto(dh, dNext.h);
    const grad = cell.backward(p, caches[i], { ...dNext, h: dh });
    steps[i] = { dz, dhFromOutput, dhFromFuture: dNext.h, dh, grad };
    dNext = grad.dprev;
  }
  return steps;
}
