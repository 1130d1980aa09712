/** The step's equations, symbolic and with the numbers filled in, for each cell and phase. */
import type { ModelConfig, ForwardRecord, BackwardRecord } from '../engine';
import type { EquationLine } from '../protocol';
import { formatNumber as n, formatVector as v } from '../format';

const sub = (t: number): string => String(t);

export function forwardEquations(c: ModelConfig, f: ForwardRecord, targetLabel: string | null): EquationLine[] {
  const t = sub(f.t);
  const lines: EquationLine[] = [];
  const eq = (symbolic: string, numeric: string): void => void lines.push({ symbolic, numeric });
  switch (c.cell) {
    case 'rnn':
      eq(`a_t = W_xh x_t + W_hh h_{t-1} + b_h`, `a_${t} = ${v(f.pre.a)}`);
      eq(`h_t = ${c.activation}(a_t)`, `h_${t} = ${c.activation}(a_${t}) = ${v(f.h)}`);
      break;
    case 'lstm': {
      const peep = (q: string, cs: string): string => (c.peephole ? ` + w_c${q} ⊙ ${cs}` : '');
      if (c.coupled) eq(`i_t = 1 - f_t`, `i_${t} = ${v(f.gates.i)}`);
      else eq(`i_t = σ(W_xi x_t + W_hi h_{t-1} + b_i${peep('i', 'c_{t-1}')})`, `i_${t} = σ(${v(f.pre.i)}) = ${v(f.gates.i)}`);
      eq(`f_t = σ(W_xf x_t + W_hf h_{t-1} + b_f${peep('f', 'c_{t-1}')})`, `f_${t} = σ(${v(f.pre.f)}) = ${v(f.gates.f)}`);
      eq(`g_t = tanh(W_xg x_t + W_hg h_{t-1} + b_g)`, `g_${t} = tanh(${v(f.pre.g)}) = ${v(f.gates.g)}`);
      eq(`c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t`, `c_${t} = ${v(f.c as Float64Array)}`);
      eq(`o_t = σ(W_xo x_t + W_ho h_{t-1} + b_o${peep('o', 'c_t')})`, `o_${t} = σ(${v(f.pre.o)}) = ${v(f.gates.o)}`);
      eq(`h_t = o_t ⊙ tanh(c_t)`, `h_${t} = ${v(f.h)}`);
      break;
    }
    case 'gru':
      eq(`r_t = σ(W_xr x_t + W_hr h_{t-1} + b_r)`, `r_${t} = σ(${v(f.pre.r)}) = ${v(f.gates.r)}`);
      eq(`z_t = σ(W_xz x_t + W_hz h_{t-1} + b_z)`, `z_${t} = σ(${v(f.pre.z)}) = ${v(f.gates.z)}`);
      if (c.variant === 'classic') {
        eq(`n_t = tanh(W_xn x_t + W_hn (r_t ⊙ h_{t-1}) + b_n)`, `n_${t} = tanh(${v(f.pre.n)}) = ${v(f.gates.n)}`);
        eq(`h_t = (1 - z_t) ⊙ h_{t-1} + z_t ⊙ n_t`, `h_${t} = ${v(f.h)}`);
      } else {
        eq(`n_t = tanh(W_xn x_t + b_n + r_t ⊙ (W_hn h_{t-1} + b_hn))`, `n_${t} = tanh(${v(f.pre.n)}) = ${v(f.gates.n)}`);
        eq(`h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}`, `h_${t} = ${v(f.h)}`);
      }
      break;
  }
  eq(`z_t = W_hy h_t + b_y`, `z_${t} = ${v(f.z)}`);
  eq(`y_t = ${c.output}(z_t)`, `y_${t} = ${v(f.y)}`);
  if (f.loss === null) eq(`L_t: no target at this step`, `L_${t} = 0 (no target)`);
  else if (c.loss === 'cross-entropy') eq(`L_t = -Σ_j v_j log y_tj`, `L_${t} = ${targetLabel !== null ? `-log p(${targetLabel}) = ` : ''}${n(f.loss)}`);
  else eq(`L_t = ½ Σ_j (y_tj - v_tj)²`, `L_${t} = ${n(f.loss)}`);
  return lines;
}

export function backwardEquations(c: ModelConfig, b: BackwardRecord): EquationLine[] {
  const t = sub(b.t);
  const lines: EquationLine[] = [];
  const eq = (symbolic: string, numeric: string): void => void lines.push({ symbolic, numeric });
  eq(c.loss === 'cross-entropy' ? `dz_t = y_t - v_t` : `dz_t = (y_t - v_t) ⊙ out'(z_t)`, `dz_${t} = ${v(b.dz)}`);
  eq(`dL/dh_t = W_hyᵀ dz_t + (from the future)`, `dh_${t} = ${v(b.dh_from_output)} + ${v(b.dh_from_future)} = ${v(b.dh)}`);
  switch (c.cell) {
    case 'rnn': {
      const d = c.activation === 'tanh' ? '(1 - h_t²)' : c.activation === 'sigmoid' ? 'h_t ⊙ (1 - h_t)' : c.activation === 'relu' ? '[a_t > 0]' : '1';
      eq(`da_t = dh_t ⊙ ${d}`, `da_${t} = ${v(b.dgates.a)}`);
      eq(`dW_hh += da_t h_{t-1}ᵀ,  dW_xh += da_t x_tᵀ,  db_h += da_t`, `db_h += ${v(b.dgates.a)}  (W_hhᵀ da_${t} flows on to step ${b.t - 1})`);
      break;
    }
    case 'lstm':
      eq(`dc_t = dc_{t+1} ⊙ f_{t+1} + dh_t ⊙ o_t ⊙ (1 - tanh²(c_t))`, `dc_${t} = ${v(b.dc as Float64Array)}`);
      for (const q of Object.keys(b.dgates)) eq(`da_${q} (gate ${q}, pre-activation)`, `da_${q} = ${v(b.dgates[q])}`);
      break;
    case 'gru':
      for (const q of Object.keys(b.dgates)) eq(`da_${q} (${q === 'hn' ? 'W_hn h_{t-1} + b_hn' : `gate ${q}, pre-activation`})`, `da_${q} = ${v(b.dgates[q])}`);
      break;
  }
  return lines;
}
