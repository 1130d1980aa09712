/**
 * Training, one update at a time, so a worker can run it cooperatively and stop between any two
 * updates. An epoch visits every training sequence once, in a seeded shuffled order, in minibatches
 * of train.batch sequences. The gradient of an update is the SUM over the batch's sequences of each
 * sequence's loss gradient (each sequence's loss already reduced over t by the spec's reduction), so
 * lr means the same per sequence whatever the batch size; divide lr by the batch for a mean.
 *
 * Full BPTT (and bptt.truncate: window): one update per batch; its gradient comes from gradients.ts (the
 * cell's batched step where it has one, else runTrace over each sequence).
 * bptt.truncate: chunks, as truncated BPTT is done in practice: each sequence runs in chunks of k
 * steps; the state at a chunk's end is carried into the next chunk as a constant (no gradient
 * flows across), and every chunk index is one update (chunk j of every sequence in the batch).
 */
import type { Params, Problem, TrainConfig } from '../types';
import type { CellState } from '../cells';
import { cloneParams, paramShapes, zerosLike } from '../params';
import { applyUpdate, clipGradients, createOptimizer, type OptimizerState } from './optimizers';
import { epochOrder, sliceSequence, trainingData, type TrainingData } from './data';
import { firstNonFinite, largest, NonFiniteError } from './finite';
import { updateGradients, type Item } from './gradients';

/** Where a run is: enough, with the parameters and the optimizer, to continue it exactly. */
export interface TrainProgress {
  /** Epochs completed. */
  epoch: number;
  /** Updates applied. */
  step: number;
  /** The next batch within the current epoch (0-based). */
  batch: number;
  /** The next chunk within the current batch (0-based; always 0 unless truncate is chunks). */
  chunk: number;
  /** The states carried into the next chunk, one per sequence of the current batch (mid-batch only). */
  carry: Record<string, Float64Array[]> | null;
  /** The loss summed over the current epoch's updates so far. */
  epochLoss: number;
  /** Per completed epoch: its summed loss divided by the number of training sequences. */
  losses: number[];
}

/** A run's whole state: plain data (Float64Arrays inside), serialised by weights.ts. */
export interface TrainerState {
  params: Params;
  optimizer: OptimizerState;
  progress: TrainProgress;
}

/** What one update did. */
export interface StepResult {
  /** The epoch (1-based) this update belongs to. */
  epoch: number;
  /** The update's number (1-based). */
  step: number;
  /** The loss of this update's batch (or chunk), summed over its sequences, before the update. */
  loss: number;
  /** The global gradient norm before clipping. */
  gradNorm: number;
  clipped: boolean;
  /** The mean loss per sequence of the epoch this update completed, else null. */
  epochLoss: number | null;
  /** Whether train.epochs are now complete. */
  done: boolean;
}

/** How a Trainer computes its gradients. */
export interface TrainerOptions {
  /** false: every sequence through its own trace, never the cell's batched step (the reference the batched path equals). */
  batched?: boolean;
}

export class Trainer {
  readonly data: TrainingData;
  private readonly stateNow: TrainerState;
  private order: number[] = [];
  private orderEpoch = -1;

  private constructor(
    readonly problem: Problem,
    /** The train settings in force: the spec's, with any overrides. */
    readonly train: TrainConfig,
    state: TrainerState,
    private readonly options: TrainerOptions = {},
  ) {
    this.data = trainingData(problem);
    if (this.data.count === 0) throw new Error('there is nothing to train on: the data has no sequence');
    this.stateNow = state;
  }

  /** A new run from the problem's initial parameters. */
  static create(problem: Problem, overrides: Partial<TrainConfig> = {}, options: TrainerOptions = {}): Trainer {
    const train = { ...problem.train, ...overrides };
    const params = cloneParams(problem.params);
    const progress: TrainProgress = { epoch: 0, step: 0, batch: 0, chunk: 0, carry: null, epochLoss: 0, losses: [] };
    return new Trainer(problem, train, { params, optimizer: createOptimizer(train.optimizer, params), progress }, options);
  }

  /** Continues a run from its state (e.g. parsed from a weights file); the state is copied. */
  static resume(problem: Problem, state: TrainerState, overrides: Partial<TrainConfig> = {}, options: TrainerOptions = {}): Trainer {
    const train = { ...problem.train, ...overrides };
    if (state.optimizer.kind !== train.optimizer)
      throw new Error(`cannot resume: the saved optimizer state is ${state.optimizer.kind}, but train.optimizer is ${train.optimizer}`);
    const shapes = paramShapes(problem.config);
    for (const name of Object.keys(shapes))
      if (!state.params[name] || state.params[name].shape.join() !== shapes[name].join()) throw new Error(`cannot resume: parameter ${name} is missing or has another shape`);
    const trainer = new Trainer(problem, train, copyState(state), options);
    const { batch, carry } = state.progress;
    const inBatch = Math.min(train.batch, trainer.data.count - batch * train.batch);
    if (batch >= trainer.batches || (carry !== null && carry.h.length !== inBatch))
      throw new Error(`cannot resume: the saved run is at batch ${batch + 1}, which this data and train.batch (${trainer.batches} batches of ${train.batch}) do not have; did the data or train.batch change?`);
    return trainer;
  }

  /** Batches per epoch. */
  get batches(): number {
    return Math.ceil(this.data.count / this.train.batch);
  }

  get done(): boolean {
    return this.stateNow.progress.epoch >= this.train.epochs;
  }

  /** A copy of the current parameters. */
  get params(): Params {
    return cloneParams(this.stateNow.params);
  }

  /** A deep copy of the whole state, safe to keep or serialise while training goes on. */
  state(): TrainerState {
    return copyState(this.stateNow);
  }

  /**
   * One update. Throws NonFiniteError, leaving the state as it was before the update, when the
   * loss, a gradient or an updated parameter is NaN or infinite. Throws when already done.
   */
  step(): StepResult {
    if (this.done) throw new Error(`training is done: ${this.train.epochs} epochs`);
    const { params, optimizer } = this.stateNow;
    const pr = this.stateNow.progress;
    const stepNo = pr.step + 1;
    const epochNo = pr.epoch + 1;
    if (this.orderEpoch !== pr.epoch) {
      this.order = epochOrder(this.data.count, this.train.seed, pr.epoch);
      this.orderEpoch = pr.epoch;
    }
    const B = this.train.batch;
    const seqs = this.order.slice(pr.batch * B, pr.batch * B + B).map((i) => this.data.get(i));
    const grads = zerosLike(params);
    let loss = 0;
    let nextChunk = 0;
    let carry: TrainProgress['carry'] = null;
    if (this.problem.bptt.truncate === 'chunks') {
      const k = this.problem.bptt.k;
      const chunks = Math.max(...seqs.map((s) => Math.ceil(s.inputs.length / k)));
      const j = pr.chunk;
      nextChunk = j + 1 < chunks ? j + 1 : 0;
      const prev = pr.carry ?? Object.fromEntries(Object.entries(this.problem.s0).map(([name, v]) => [name, seqs.map(() => v)]));
      const next = Object.fromEntries(Object.entries(prev).map(([name, v]) => [name, v.slice()]));
      const items: Item[] = [];
      seqs.forEach((s, i) => {
        if (j * k >= s.inputs.length) return; // a shorter sequence has no chunk j
        const s0: CellState = Object.fromEntries(Object.entries(prev).map(([name, v]) => [name, v[i]]));
        items.push({ index: i, seq: sliceSequence(s, j * k, Math.min((j + 1) * k, s.inputs.length)), s0 });
      });
      // When the batch ends here there is nothing to carry.
      loss = updateGradients(this.problem, params, items, grads, nextChunk !== 0, this.options.batched !== false, (i, end) => {
        for (const name of Object.keys(next)) next[name][i] = end[name];
      });
      carry = nextChunk === 0 ? null : next;
    } else {
      const items = seqs.map((seq, index) => ({ index, seq, s0: this.problem.s0 }));
      loss = updateGradients(this.problem, params, items, grads, false, this.options.batched !== false, () => {});
    }

    const badGrad = firstNonFinite(grads);
    if (badGrad) throw new NonFiniteError(stepNo, epochNo, 'gradient', badGrad.param, badGrad.index, badGrad.value);
    if (!Number.isFinite(loss)) {
      const big = largest(params); // every parameter is finite: name the one most likely to blame
      throw new NonFiniteError(stepNo, epochNo, 'loss', big.param, big.index, loss);
    }
    const { norm, clipped } = clipGradients(grads, this.train.clip);
    const newParams = cloneParams(params);
    const newOpt = copyOptimizer(optimizer);
    applyUpdate(newOpt, this.train.lr, newParams, grads);
    const badParam = firstNonFinite(newParams);
    if (badParam) throw new NonFiniteError(stepNo, epochNo, 'parameter', badParam.param, badParam.index, badParam.value);

    // Commit.
    this.stateNow.params = newParams;
    this.stateNow.optimizer = newOpt;
    pr.step = stepNo;
    pr.epochLoss += loss;
    pr.chunk = nextChunk;
    pr.carry = carry;
    let epochLoss: number | null = null;
    if (nextChunk === 0) {
      pr.batch++;
      if (pr.batch === this.batches) {
        epochLoss = pr.epochLoss / this.data.count;
        pr.losses.push(epochLoss);
        pr.epoch++;
        pr.batch = 0;
        pr.epochLoss = 0;
      }
    }
    return { epoch: epochNo, step: stepNo, loss, gradNorm: norm, clipped, epochLoss, done: this.done };
  }

  /**
   * Steps until done or until `budgetMs` have passed by `clock` (at least one update): a worker's
   * slice of cooperative work. Returns the results of the updates made.
   */
  runFor(budgetMs: number, clock: () => number): StepResult[] {
    const start = clock();
    const out: StepResult[] = [];
    do out.push(this.step());
    while (!this.done && clock() - start < budgetMs);
    return out;
  }
}

function copyOptimizer(o: OptimizerState): OptimizerState {
  return { kind: o.kind, step: o.step, slots: Object.fromEntries(Object.entries(o.slots).map(([k, p]) => [k, cloneParams(p)])) };
}

function copyState(s: TrainerState): TrainerState {
  const p = s.progress;
  const carry = p.carry ? Object.fromEntries(Object.entries(p.carry).map(([name, v]) => [name, v.map((x) => Float64Array.from(x))])) : null;
  return { params: cloneParams(s.params), optimizer: copyOptimizer(s.optimizer), progress: { ...p, carry, losses: p.losses.slice() } };
}
