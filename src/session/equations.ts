/**
 * The step's equations, symbolic and with the numbers filled in. The cell's lines come from the
 * cell's own description (its equations in the expression language), so nothing here knows a kind.
 */
import { cellInfo, type ModelConfig, type ForwardRecord, type BackwardRecord } from '../engine';
import type { EquationLine } from '../protocol';
import { formatNumber as n, formatVector as v } from '../format';

const sub = (t: number): string => String(t);

/** The assigned name of an equation line `name = expr`. */
const targetOf = (line: string): string => line.slice(0, line.indexOf('=')).trim();

export function forwardEquations(c: ModelConfig, f: ForwardRecord, targetLabel: string | null): EquationLine[] {
  const t = sub(f.t);
  const lines: EquationLine[] = [];
  const eq = (symbolic: string, numeric: string): void => void lines.push({ symbolic, numeric });
  for (const line of cellInfo(c).equations.forward) {
    const name = targetOf(line);
    const value = f.gates[name] ?? f.states[name] ?? f.pre[name];
    if (!value) continue;
    // A gate after its nonlinearity: the pre-activation too, as fn(pre) = value.
    const fn = /^\s*\w+\s*=\s*(\w+)\(/.exec(line)?.[1];
    const pre = f.gates[name] && f.pre[name] && fn ? `${fn}(${v(f.pre[name])}) = ` : '';
    eq(line, `${name}_${t} = ${pre}${v(value)}`);
  }
  eq(`z = W_hy @ h + b_y`, `z_${t} = ${v(f.z)}`);
  eq(`y = ${c.output}(z)`, `y_${t} = ${v(f.y)}`);
  if (f.loss === null) eq(`L_t: no target at this step`, `L_${t} = 0 (no target)`);
  else if (c.loss === 'cross-entropy') eq(`L_t = -Σ_j v_j log y_tj`, `L_${t} = ${targetLabel !== null ? `-log p(${targetLabel}) = ` : ''}${n(f.loss)}`);
  else eq(`L_t = ½ Σ_j (y_tj - v_tj)²`, `L_${t} = ${n(f.loss)}`);
  return lines;
}

export function backwardEquations(c: ModelConfig, b: BackwardRecord): EquationLine[] {
  const t = sub(b.t);
  const lines: EquationLine[] = [];
  const eq = (symbolic: string, numeric: string): void => void lines.push({ symbolic, numeric });
  eq(c.loss === 'cross-entropy' ? `dz = y - v` : `dz = (y - v) * out'(z)`, `dz_${t} = ${v(b.dz)}`);
  eq(`dh = transpose(W_hy) @ dz + dh_next`, `dh_${t} = ${v(b.dh_from_output)} + ${v(b.dh_from_future)} = ${v(b.dh)}`);
  // The cell's backward lines that have a value in the record: d<state> and d<gate> (at its pre-activation).
  for (const line of cellInfo(c).equations.backward) {
    const name = targetOf(line);
    if (!name.startsWith('d')) continue;
    const of = name.slice(1);
    const value = b.dstates[of] ?? b.dgates[of];
    if (value) eq(line, `${name}_${t} = ${v(value)}`);
  }
  return lines;
}
