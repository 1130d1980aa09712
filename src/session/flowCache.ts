/**
 * The flow views of one trace, per layer of a stack: the gradient-flow data (map, spectra, clip
 * preview) computed once per layer, and the Jacobian rows of the (layer, t) visited, a few dozen
 * kept. A new trace gets a new cache. Pure: no vscode, no DOM, no Node.
 */
import type { FlowProgress, Params, Problem } from '../engine';
import type { FlowData, JacobianView } from '../protocol';
import { flowData, jacobianView } from './flowView';

/** Jacobian rows kept: a few dozen at most (on long sequences each row is long). */
const MAX_JACOBIANS = 64;

export class FlowCache {
  /** Flow data per layer (a stack's layer, else 1). */
  private readonly flows = new Map<number, FlowData>();
  /** Jacobian rows keyed `${layer}:${t}`, oldest first. */
  private readonly rows = new Map<string, JacobianView>();
  private readonly layers: number;

  constructor(
    private readonly problem: Problem,
    private readonly grads: Params,
  ) {
    this.layers = problem.config.layers ?? 1;
  }

  /** The gradient-flow data for a layer (1 = bottom), computed once (progress: between slices; what it throws stops it, nothing kept). */
  flow(layer: number, progress?: FlowProgress): FlowData {
    let f = this.flows.get(layer);
    if (!f) {
      f = flowData(this.problem, this.grads, this.layers > 1 ? layer : undefined, progress);
      this.flows.set(layer, f);
    }
    return f;
  }

  /** The Jacobian row at t of a layer, kept for the next visit (progress as for flow). */
  jacobian(t: number, layer: number, progress?: FlowProgress): JacobianView {
    const key = `${layer}:${t}`;
    let row = this.rows.get(key);
    if (!row) {
      row = jacobianView(this.problem, t, this.layers > 1 ? layer : undefined, progress);
      this.rows.set(key, row);
      if (this.rows.size > MAX_JACOBIANS) this.rows.delete(this.rows.keys().next().value as string);
    }
    return row;
  }
}
