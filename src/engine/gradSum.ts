/**
 * Parameter gradients from the saved per-step vectors, by the cells' gradient terms: one step at
 * a time (a contribution the panel shows), or a run of steps at once as one packed product A^T B.
 */
import type { Params } from './types';
import type { GradTerm, StepCache } from './cells';
import type { BackwardStep } from './bptt';
import { addInto, gemmAtB, gemmAtBRuns, outerAdd } from './linalg';

/** The output layer's terms, shared by every cell: dW_hy += dz ⊗ h, db_y += dz. */
export const OUTPUT_TERMS: GradTerm[] = [
  { kind: 'outer', param: 'W_hy', grad: 'dz', input: 'h' },
  { kind: 'bias', param: 'b_y', grad: 'dz' },
];

function gradOf(step: BackwardStep, key: string): Float64Array {
  if (key === 'dz') return step.dz;
  const own = step.grad.dgates[key];
  return own ?? (step.grad.extra as Record<string, Float64Array>)[key];
}

/** x, a state s (s_t) or s_prev (s_{t-1}), else a saved intermediate. */
function inputOf(cache: StepCache, key: string): Float64Array {
  if (key === 'x') return cache.x;
  if (Object.prototype.hasOwnProperty.call(cache.state, key)) return cache.state[key];
  if (key.endsWith('_prev')) {
    const s = key.slice(0, -5);
    if (Object.prototype.hasOwnProperty.call(cache.prev, s)) return cache.prev[s];
  }
  return cache.aux[key];
}

/** Adds step t's contribution (index i = t - 1) into grads. */
export function addStep(terms: GradTerm[], cache: StepCache, step: BackwardStep, grads: Params): void {
  for (const term of terms) {
    const g = gradOf(step, term.grad);
    const P = grads[term.param];
    if (term.kind === 'bias') addInto(P.data, g);
    else if (term.kind === 'diag') {
      const v = inputOf(cache, term.input);
      for (let j = 0; j < g.length; j++) P.data[j] += g[j] * v[j];
    } else if (term.kind === 'outerT') outerAdd(P.data, P.shape[0], P.shape[1], inputOf(cache, term.input), g);
    else outerAdd(P.data, P.shape[0], P.shape[1], g, inputOf(cache, term.input));
  }
}

/**
 * The buffer the packed vectors of one addRange share, reused from call to call: a segment's packs
 * are several MiB, and allocating them anew for every segment kept the collector busy (a tenth of
 * the T=100,000 build). Grown by replacement, so views taken earlier in a call stay valid.
 */
let packScratch = new Float64Array(0);
let packUsed = 0;

function packBuffer(n: number): Float64Array {
  if (packUsed + n > packScratch.length) {
    packScratch = new Float64Array(Math.max(2 * packScratch.length, packUsed + n, 1 << 16));
    packUsed = 0;
  }
  const v = packScratch.subarray(packUsed, packUsed + n);
  packUsed += n;
  return v;
}

/**
 * Packs steps lo..lo+n-1's vector named by `key` into one buffer, once per call of addRange/addLongRuns:
 * several terms share x, h_prev or a gate's gradient. Every pack is filled before it is read, and read
 * only in that call, so the scratch starts over here.
 */
function packer(lo: number, n: number): (key: string, get: (i: number) => Float64Array) => Float64Array {
  const packed = new Map<string, Float64Array>();
  packUsed = 0;
  return (key, get) => {
    let buf = packed.get(key);
    if (!buf) {
      const len = get(lo).length;
      buf = packBuffer(n * len);
      for (let i = 0; i < n; i++) buf.set(get(lo + i), i * len);
      packed.set(key, buf);
    }
    return buf;
  };
}

/**
 * Runs of 2 or 3 steps go step by step (addStep): a packed product would sum them in another order.
 * A run of one step is a packed product of one row: each element 0 + u·v, then added, the bits of
 * addStep's G += u·v (the sums start at +0 and so never hold -0); it runs in wasm where addStep's
 * outer products ran in JavaScript (a trace's last segment is often one step).
 */
const stepwise = (n: number): boolean => n > 1 && n < 4;

/** Adds the contributions of steps lo..hi-1 (0-based indices) into grads. */
export function addRange(terms: GradTerm[], caches: StepCache[], steps: BackwardStep[], lo: number, hi: number, grads: Params): void {
  const n = hi - lo;
  if (n <= 0) return;
  if (stepwise(n)) {
    for (let i = lo; i < hi; i++) addStep(terms, caches[i], steps[i], grads);
    return;
  }
  addLongRuns(terms, caches, steps, [[lo, hi]], grads);
}

/**
 * addRange over several runs of steps [lo, hi) (0-based), in the order given: the same numbers as
 * one addRange a run, with each vector packed once and each matrix's sum crossing into wasm once for
 * all runs (a plain trace sums its ~sqrt(T) segments so; the crossings cost as much as the products
 * at T = 256). Runs too short for a packed product go one addRange a run.
 */
export function addRuns(terms: GradTerm[], caches: StepCache[], steps: BackwardStep[], runs: readonly (readonly [number, number])[], grads: Params): void {
  // Runs of 2 or 3 steps (and empty ones) at either end go on their own, in order.
  const short = ([a, b]: readonly [number, number]): boolean => b <= a || stepwise(b - a);
  let first = 0, last = runs.length;
  while (first < last && short(runs[first])) first++;
  while (last > first && short(runs[last - 1])) last--;
  for (let k = 0; k < first; k++) addRange(terms, caches, steps, runs[k][0], runs[k][1], grads);
  const middle = runs.slice(first, last);
  if (middle.some(short)) middle.forEach(([a, b]) => addRange(terms, caches, steps, a, b, grads));
  else if (middle.length > 0) addLongRuns(terms, caches, steps, middle, grads);
  for (let k = last; k < runs.length; k++) addRange(terms, caches, steps, runs[k][0], runs[k][1], grads);
}

/** addRuns over runs of one step or at least 4 each: each vector packed once, the biases and diagonals summed from the packs. */
function addLongRuns(terms: GradTerm[], caches: StepCache[], steps: BackwardStep[], runs: readonly (readonly [number, number])[], grads: Params): void {
  const lo = Math.min(...runs.map((r) => r[0])), hi = Math.max(...runs.map((r) => r[1]));
  const rel = runs.map(([a, b]) => [a - lo, b - lo] as const);
  const n = hi - lo;
  const pack = packer(lo, n);
  for (const term of terms) {
    const P = grads[term.param];
    if (term.kind === 'outer' || term.kind === 'outerT') {
      const g = pack(`g:${term.grad}`, (i) => gradOf(steps[i], term.grad));
      const x = pack(`x:${term.input}`, (i) => inputOf(caches[i], term.input));
      const [A, B] = term.kind === 'outer' ? [g, x] : [x, g];
      if (!gemmAtBRuns(P.data, A, B, rel, P.shape[0], P.shape[1])) {
        // This product runs in JavaScript for some run: each run as addRange forms it.
        for (const [a, b] of rel) gemmAtB(P.data, A.subarray(a * P.shape[0]), B.subarray(a * P.shape[1]), b - a, P.shape[0], P.shape[1]);
      }
    } else {
      // Step by step in the runs' order as addStep adds them, from the packs: one loop, not a call a step.
      const g = pack(`g:${term.grad}`, (i) => gradOf(steps[i], term.grad));
      const v = term.kind === 'diag' ? pack(`x:${term.input}`, (i) => inputOf(caches[i], term.input)) : null;
      const d = P.data, len = d.length;
      for (const [a, b] of rel) {
        for (let o = a * len; o < b * len; o += len) {
          if (v) for (let j = 0; j < len; j++) d[j] += g[o + j] * v[o + j];
          else for (let j = 0; j < len; j++) d[j] += g[o + j];
        }
      }
    }
  }
}
