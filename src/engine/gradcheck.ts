/**
 * Gradient check: BPTT's gradients against central finite differences of the very objective BPTT
 * differentiates. With truncation that objective treats the carried-in state as a constant
 * (chunks: at each chunk start; window: k steps before each L_t), so the check is exact there too.
 */
import type { Params, Problem } from './types';
import { makeCell, unroll, type CellState } from './cells';
import { forwardPass, lossScale, output, type ForwardPass } from './bptt';
import { cloneParams } from './params';
import { runTrace } from './trace';

export interface GradcheckResult {
  /** The parameter's name (W_hh, b_y, ...). */
  name: string;
  /** The largest relative error |a - n| / max(|a|, |n|, floor) over the checked entries. */
  maxRelError: number;
  /** The floor used: gradients smaller than this are compared absolutely (see gradcheck). */
  floor: number;
  /** Where that largest error was: [row, col] or [i]. */
  index: number[];
  analytic: number;
  numeric: number;
  /** How many entries were checked. */
  checked: number;
}

export interface GradcheckOptions {
  /** Finite-difference step. */
  eps?: number;
  /** Entries checked per parameter at most (evenly spread); the rest are skipped. */
  maxEntries?: number;
  /** Denominator floor: below it, errors count as absolute (default: from the difference's rounding noise). */
  floor?: number;
  /** The relative error a pass allows, which the default floor is set for (default 1e-6). */
  tolerance?: number;
}

/**
 * The default floor: the finite difference of a loss L carries rounding noise of about
 * c·ε·|L| / eps (the loss's own rounding, amplified by 1/eps), so a gradient entry smaller than
 * noise / tolerance cannot be resolved to that relative tolerance; below it the error counts as
 * absolute (|a - n| / floor), as a standard relative error with a floor does. Without it a long
 * sequence's tiny entries (LSTM H=64, T=200: |g| ~ 1e-6) failed on noise alone.
 */
export function defaultFloor(loss: number, eps: number, tolerance: number): number {
  const noise = (4 * Number.EPSILON * Math.max(1, Math.abs(loss))) / eps;
  return Math.max(1e-6, noise / tolerance);
}

/** The loss as BPTT (with the spec's truncation) differentiates it, at the given parameters. */
export function objective(problem: Problem, p: Params, base: ForwardPass): number {
  const { config, bptt, sequence: seq } = problem;
  const cell = makeCell(config);
  const s0: CellState = problem.s0;
  const baseState = (t: number): CellState => (t === 0 ? s0 : base.caches[t - 1].state);
  if (bptt.truncate === 'none') return forwardPass(cell, config, p, seq, s0).loss;
  const T = seq.inputs.length;
  let loss = 0;
  if (bptt.truncate === 'chunks') {
    unroll(cell, p, seq.inputs, s0, (cache, i) => {
      const out = output(config, p, seq, i + 1, cache);
      if (out.loss !== null) loss += out.loss;
      const t = i + 1;
      if (t % bptt.k === 0) return baseState(t); // detached at the next chunk's start
    });
  } else {
    for (let s = 1; s <= T; s++) {
      if (seq.targets[s - 1] === null) continue;
      const first = Math.max(1, s - bptt.k + 1);
      // L_s sees the state before step first as a constant.
      unroll(cell, p, seq.inputs, baseState(first - 1), (cache, i) => {
        if (i + 1 === s) loss += output(config, p, seq, s, cache).loss as number;
      }, first - 1, s);
    }
  }
  return loss * lossScale(config, seq);
}

/** Compares each parameter's BPTT gradient with a sixth-order central difference. */
export function gradcheck(problem: Problem, opts: GradcheckOptions = {}): GradcheckResult[] {
  const eps = opts.eps ?? 5e-3;
  const maxEntries = opts.maxEntries ?? 200;
  const trace = runTrace(problem);
  const floor = opts.floor ?? defaultFloor(trace.loss, eps, opts.tolerance ?? 1e-6);
  const cell = makeCell(problem.config);
  const base = forwardPass(cell, problem.config, problem.params, problem.sequence, problem.s0);
  const p = cloneParams(problem.params);
  const results: GradcheckResult[] = [];
  for (const [name, tensor] of Object.entries(p)) {
    const n = tensor.data.length;
    const count = Math.min(n, maxEntries);
    const res: GradcheckResult = { name, maxRelError: 0, floor, index: [], analytic: 0, numeric: 0, checked: count };
    for (let e = 0; e < count; e++) {
      const idx = count === n ? e : Math.round((e * (n - 1)) / Math.max(1, count - 1));
      const at = (delta: number): number => {
        tensor.data[idx] = problem.params[name].data[idx] + delta;
        return objective(problem, p, base);
      };
      // Sixth-order central difference, error O(e^6): a wide step keeps rounding small.
      const numeric = (45 * (at(eps) - at(-eps)) - 9 * (at(2 * eps) - at(-2 * eps)) + (at(3 * eps) - at(-3 * eps))) / (60 * eps);
      tensor.data[idx] = problem.params[name].data[idx];
      const analytic = trace.grads[name].data[idx];
      const rel = Math.abs(analytic - numeric) / Math.max(Math.abs(analytic), Math.abs(numeric), floor);
      if (rel >= res.maxRelError || !Number.isFinite(rel)) {
        res.maxRelError = Number.isFinite(rel) ? rel : Infinity;
        res.index = tensor.shape.length === 2 ? [Math.floor(idx / tensor.shape[1]), idx % tensor.shape[1]] : [idx];
        res.analytic = analytic;
        res.numeric = numeric;
      }
    }
    results.push(res);
  }
  return results;
}
