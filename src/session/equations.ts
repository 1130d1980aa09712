/**
 * The step's equations, symbolic and with the numbers filled in. The cell's lines come from the
 * cell's own description (its equations in the expression language), so nothing here knows a kind.
 */
import { cellInfo, type CellEquations, type ModelConfig, type ForwardRecord, type BackwardRecord } from '../engine';
import type { EquationLine } from '../protocol';
import type { Params } from '../engine';
import { formatNumber as n, formatVector as v } from '../format';
import type { EquationScope } from './equationMath';

const sub = (t: number): string => String(t);

/** The assigned name of an equation line `name = expr`. */
const targetOf = (line: string): string => line.slice(0, line.indexOf('=')).trim();

/** A stack's layer (layerView.ts): its equations under the stack's names; only the top one feeds the output. */
export interface LayerEquations {
  equations: CellEquations;
  top: boolean;
}

/**
 * The forward lines at t. With a scope (x_t, the previous states and the weights in it), each line
 * also carries its typeset form with every name's value (see equationMath.ts).
 */
export function forwardEquations(c: ModelConfig, f: ForwardRecord, targetLabel: string | null, scope?: EquationScope, layer?: LayerEquations): EquationLine[] {
  const t = sub(f.t);
  const lines: EquationLine[] = [];
  const eq = (symbolic: string, numeric: string, result?: Float64Array): void => {
    const math = scope && result ? scope.line(symbolic, result) : null;
    lines.push({ symbolic, numeric, ...(math ? { math } : {}) });
  };
  for (const line of (layer?.equations ?? cellInfo(c).equations).forward) {
    const name = targetOf(line);
    const value = f.gates[name] ?? f.states[name] ?? f.pre[name];
    if (!value) continue;
    // A gate after its nonlinearity: the pre-activation too, as fn(pre) = value.
    const fn = /^\s*\w+\s*=\s*(\w+)\(/.exec(line)?.[1];
    const pre = f.gates[name] && f.pre[name] && fn ? `${fn}(${v(f.pre[name])}) = ` : '';
    eq(line, `${name}_${t} = ${pre}${v(value)}`, value);
  }
  if (layer && !layer.top) return lines; // a lower layer's h_t goes to the layer above, not to the output
  eq(`z = W_hy @ h + b_y`, `z_${t} = ${v(f.z)}`, f.z);
  eq(`y = ${c.output}(z)`, `y_${t} = ${v(f.y)}`, f.y);
  if (f.loss === null) eq(`L_t: no target at this step`, `L_${t} = 0 (no target)`);
  else if (c.loss === 'cross-entropy') eq(`L_t = -Σ_j v_j log y_tj`, `L_${t} = ${targetLabel !== null ? `-log p(${targetLabel}) = ` : ''}${n(f.loss)}`);
  else eq(`L_t = ½ Σ_j (y_tj - v_tj)²`, `L_${t} = ${n(f.loss)}`);
  return lines;
}

/**
 * The backward lines at t. With a scope (the forward values at t, dh_t, dz_t, the target v and the
 * weights in it) and the contributions at t, every line of the cell's backward is typeset with its
 * numbers, intermediates included, and each parameter's step equation (dW_hy, db_y and the cell's own).
 * What arrives at a state other than h from step t+1 (dc_next) is put in the scope as
 * d<s>_t minus the line's part through h_t.
 */
export function backwardEquations(c: ModelConfig, b: BackwardRecord, scope?: EquationScope, contribution?: Params, layer?: LayerEquations): EquationLine[] {
  const t = sub(b.t);
  const lines: EquationLine[] = [];
  const eq = (symbolic: string, numeric: string, result?: Float64Array | Params[string] | null): void => {
    const math = scope ? scope.line(symbolic, result ?? null) : null;
    lines.push({ symbolic, numeric, ...(math ? { math } : {}) });
  };
  const ce = c.loss === 'cross-entropy';
  scope?.set('dh_next', b.dh_from_future);
  if (layer && !layer.top) {
    // A lower layer's h_t feeds the layer above at t (what came back through it) and its own h_{t+1}.
    scope?.set('dh_above', b.dh_from_output);
    eq(`dh = dh_above + dh_next`, `dh_${t} = ${v(b.dh_from_output)} + ${v(b.dh_from_future)} = ${v(b.dh)}`, b.dh);
  } else {
    if (ce) eq(`dz = y - v`, `dz_${t} = ${v(b.dz)}`, b.dz);
    else lines.push({ symbolic: `dz = (y - v) * out'(z)`, numeric: `dz_${t} = ${v(b.dz)}` });
    scope?.set('dz', b.dz);
    eq(`dh = transpose(W_hy) @ dz + dh_next`, `dh_${t} = ${v(b.dh_from_output)} + ${v(b.dh_from_future)} = ${v(b.dh)}`, b.dh);
    if (contribution) {
      eq('dW_hy = outer(dz, h)', `dW_hy += dz_${t} h_${t}ᵀ`, contribution.W_hy);
      eq('db_y = dz', `db_y += dz_${t}`, contribution.b_y);
    }
  }
  for (const line of (layer?.equations ?? cellInfo(c).equations).backward) {
    const name = targetOf(line);
    if (!name.startsWith('d')) continue;
    const of = name.slice(1);
    const rhs = line.slice(line.indexOf('=') + 1);
    if (scope && b.dstates[of] && rhs.includes(`${name}_next`)) {
      // d<s>_t = d<s>_next + (its part through h_t): the part from the future is the rest.
      const zero = { shape: [b.dstates[of].length], data: new Float64Array(b.dstates[of].length) };
      const local = scope.interpret(rhs, { [`${name}_next`]: zero });
      if (local) scope.set(`${name}_next`, Float64Array.from(b.dstates[of], (x, i) => x - local.data[i]));
    }
    const value = b.dstates[of] ?? b.dgates[of] ?? (name.startsWith('dW_') || name.startsWith('db_') || name.startsWith('dw_') ? contribution?.[of] : undefined);
    if (value || scope) eq(line, value ? `${name}_${t} = ${v(ArrayBuffer.isView(value) ? (value as Float64Array) : (value as Params[string]).data)}` : line, value);
  }
  return lines;
}
