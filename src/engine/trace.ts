/**
 * A computed trace with random access to any (phase, t). The forward and backward passes run once;
 * records are views onto what they saved. Per-step parameter contributions are formed on demand
 * from the saved gate gradients, and running sums from checkpoints every ~sqrt(T) steps, so a
 * jump to any t costs at most sqrt(T) contributions, never a re-run of the sequence.
 */
import type { BpttConfig, ModelConfig, Params, Problem } from './types';
import type { BackwardRecord, ForwardRecord, TraceView } from './records';
import { makeCell, type GradTerm } from './cells';
import { backwardPass, forwardPass, type BackwardStep, type ForwardPass } from './bptt';
import { addRange, addStep, OUTPUT_TERMS } from './gradSum';
import { cloneParams, zerosLike } from './params';

export class Trace implements TraceView {
  readonly T: number;
  readonly loss: number;
  readonly grads: Params;
  readonly config: ModelConfig;
  readonly bptt: BpttConfig;
  readonly params: Params;
  private readonly terms: GradTerm[];
  private readonly fwd: ForwardPass;
  private readonly bwd: BackwardStep[];
  /** checkpoints.get(t) = Σ_{j=t}^{T} contribution(j), for t = T+1 and every multiple of stride. */
  private readonly checkpoints = new Map<number, Params>();
  private readonly stride: number;

  constructor(problem: Problem, params: Params = problem.params) {
    this.config = problem.config;
    this.bptt = problem.bptt;
    this.params = params;
    const cell = makeCell(problem.config);
    this.terms = [...cell.terms, ...OUTPUT_TERMS];
    this.fwd = forwardPass(cell, this.config, params, problem.sequence, { h: problem.h0, c: problem.c0 });
    this.bwd = backwardPass(cell, this.config, this.bptt, params, this.fwd);
    this.T = problem.sequence.inputs.length;
    this.loss = this.fwd.loss;
    this.stride = Math.max(1, Math.round(Math.sqrt(this.T)));
    // Sum segment by segment, from T down, keeping the running sum at each checkpoint.
    const sum = zerosLike(params);
    this.checkpoints.set(this.T + 1, cloneParams(sum));
    let hi = this.T; // steps hi+1..T are summed
    for (let t = this.T - (this.T % this.stride); t >= 1; t -= this.stride) {
      addRange(this.terms, this.fwd.caches, this.bwd, t - 1, hi, sum);
      hi = t - 1;
      this.checkpoints.set(t, cloneParams(sum));
    }
    addRange(this.terms, this.fwd.caches, this.bwd, 0, hi, sum);
    this.grads = sum;
  }

  forward(t: number): ForwardRecord {
    const cache = this.fwd.caches[this.index(t)];
    const out = this.fwd.outs[t - 1];
    const rec: ForwardRecord = { t, x: cache.x, h: cache.h, pre: cache.pre, gates: cache.gates, z: out.z, y: out.y, loss: out.loss };
    if (cache.c) rec.c = cache.c;
    if (this.config.output === 'softmax') rec.p = out.y;
    return rec;
  }

  backward(t: number): BackwardRecord {
    const s = this.bwd[this.index(t)];
    const rec: BackwardRecord = {
      t,
      dh: s.dh,
      dh_from_output: s.dhFromOutput,
      dh_from_future: s.dhFromFuture,
      dz: s.dz,
      dgates: s.grad.dgates,
    };
    if (s.grad.dc) rec.dc = s.grad.dc;
    return rec;
  }

  contribution(t: number): Params {
    const g = zerosLike(this.params);
    this.addContribution(t, g);
    return g;
  }

  accumulated(t: number): Params {
    this.index(t);
    let c = t;
    while (!this.checkpoints.has(c)) c++;
    const sum = cloneParams(this.checkpoints.get(c) as Params);
    addRange(this.terms, this.fwd.caches, this.bwd, t - 1, c - 1, sum); // steps t..c-1
    return sum;
  }

  /** The hidden state before step 1 and after each step: h_0 .. h_T. */
  hiddenStates(): Float64Array[] {
    return [this.fwd.caches[0].hPrev, ...this.fwd.caches.map((c) => c.h)];
  }

  private addContribution(t: number, into: Params): void {
    addStep(this.terms, this.fwd.caches[t - 1], this.bwd[t - 1], into);
  }

  private index(t: number): number {
    if (!Number.isInteger(t) || t < 1 || t > this.T) throw new RangeError(`timestep ${t} is outside 1..${this.T}`);
    return t - 1;
  }
}

/** Runs the forward and backward passes of a problem (with its own or the given parameters). */
export function runTrace(problem: Problem, params?: Params): Trace {
  return new Trace(problem, params);
}
