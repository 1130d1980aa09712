/**
 * The recurrent cell in the exported script: torch.nn's module where one computes exactly our cell
 * (nn.RNN tanh/relu, the plain nn.LSTM, the pytorch-form nn.GRU; num_layers for a stack), written
 * step by step otherwise (the notes' variants: sigmoid/identity RNN, peephole or coupled LSTM, the
 * classic GRU).
 */
import type { CustomCellSpec, ModelConfig } from '../types';
import { customStep } from './customCode';

export interface CellCode {
  /** One line saying what the cell is. */
  about: string;
  /** Python defining `run(xs, state) -> (hs [n, H], state)`, `initial_state()` and `module_grads()`. */
  code: string;
}

/** Our name of layer l's parameter (l from 0 here): layer 1 plain, layer l+1 >= 2 with _l{l+1}. */
const named = (n: string, l: number) => (l === 0 ? n : `${n}_l${l + 1}`);

/**
 * A torch.nn module holding our parameters: gates stacked in PyTorch's order, our b in bias_ih and
 * zeros (the GRU: b_hn) in bias_hh; after backward its gradients are split back into our names
 * (a gate's b gets bias_ih's gradient, which equals bias_hh's).
 */
function moduleCell(ctor: string, Din: string, L: number, qs: string[], names: (q: string) => [string, string, string], hasC: boolean, gru: boolean): string {
  const G = qs.length;
  const load: string[] = [];
  const grads: string[] = [];
  for (let l = 0; l < L; l++) {
    const cat = (i: 0 | 1 | 2) => (G === 1 ? `P["${named(names(qs[0])[i], l)}"]` : `torch.cat([${qs.map((q) => `P["${named(names(q)[i], l)}"]`).join(', ')}])`);
    const rows = G === 1 ? 'H' : `${G}H`;
    if (L > 1) load.push(`# layer ${l + 1}`);
    load.push(
      `rnn.weight_ih_l${l}.copy_(${cat(0)})  # [${rows}, ${l === 0 ? Din : 'H'}]${G > 1 ? `, gates ${qs.join(', ')}` : ''}`,
      `rnn.weight_hh_l${l}.copy_(${cat(1)})  # [${rows}, H]`,
      `rnn.bias_ih_l${l}.copy_(${cat(2)})`,
      gru ? `rnn.bias_hh_l${l}.copy_(torch.cat([torch.zeros(2 * H), P["${named('b_hn', l)}"]]))  # b_hn stays inside r * (...)` : `rnn.bias_hh_l${l}.zero_()`,
    );
    qs.forEach((q, i) => {
      const r = G === 1 ? '' : `[${i} * H : ${i + 1} * H]`;
      const [wx, wh, b] = names(q).map((n) => named(n, l));
      grads.push(`"${wx}": g["weight_ih_l${l}"]${r},`, `"${wh}": g["weight_hh_l${l}"]${r},`, `"${b}": g["bias_ih_l${l}"]${r},`);
    });
    if (gru) grads.push(`"${named('b_hn', l)}": g["bias_hh_l${l}"][2 * H : 3 * H],`);
  }
  const rep = (s: string) => (L > 1 ? s : `${s}[None]`);
  return `${ctor}
with torch.no_grad():  # our parameters into the module's
${load.map((l) => `    ${l}`).join('\n')}


def module_grads():
    """The module's gradients in our names."""
    g = {n: p.grad for n, p in rnn.named_parameters()}
    return {
${grads.map((l) => `        ${l}`).join('\n')}
    }


def initial_state():
    """The module's state: one row per layer."""
    return ${hasC ? `(${rep('h0')}, ${rep('c0')})` : rep('h0')}


def run(xs, state):
    """Steps the inputs xs [n, D] from state; returns the top layer's h_1..h_n [n, H] and the last state."""
    return rnn(xs, state)`;
}

/** Step-by-step cells: `step(x, state)` is the notes' equations, one line each; a stack loops over layers. */
function stepCell(L: number, states: string[], body: string): string {
  const init = states.length === 1 ? `${states[0]}0` : `(${states.map((s) => `${s}0`).join(', ')})`;
  const initL = states.length === 1 ? `${states[0]}0[l]` : `(${states.map((s) => `${s}0[l]`).join(', ')})`;
  // h0 (and c0) hold one row per layer in a stack.
  const loop =
    L === 1
      ? `    hs = []
    for x in xs:
        h, state = step(x, state)
        hs.append(h)
    return torch.stack(hs), state`
      : `    hs = []
    state = list(state)
    for x in xs:
        for l in range(L):  # layer l + 1 reads the h of the layer below
            x, state[l] = step(x, state[l], l)
        hs.append(x)
    return torch.stack(hs), tuple(state)`;
  return `def module_grads():
    return {}  # the step function uses P directly
${L > 1 ? '\n\ndef p(name, l):\n    """Layer l + 1\'s parameter: layer 1 plain, layer l + 1 >= 2 with the suffix _l{l + 1}."""\n    return P[name if l == 0 else f"{name}_l{l + 1}"]\n' : ''}

def initial_state():
    return ${L === 1 ? init : `tuple(${initL} for l in range(L))`}


${body}


def run(xs, state):
    """Steps the inputs xs [n, D] from state; returns the top layer's h_1..h_n [n, H] and the last state."""
${loop}`;
}

export function cellCode(c: ModelConfig): CellCode {
  const L = c.layers ?? 1;
  const lay = L > 1 ? `, num_layers=${L}` : '';
  const Din = c.embedding ? 'E' : 'D';
  // A parameter reference inside step(): P["W_xh"] for one layer, p("W_xh", l) in a stack.
  const P = (n: string) => (L === 1 ? `P["${n}"]` : `p("${n}", l)`);
  const sig = (state: string) => (L === 1 ? `def step(x, ${state}):` : `def step(x, ${state}, l):`);
  const gateNames = (q: string): [string, string, string] => [`W_x${q}`, `W_h${q}`, `b_${q}`];
  switch (c.cell) {
    case 'rnn': {
      if (c.activation === 'tanh' || c.activation === 'relu')
        return {
          about: `nn.RNN(${Din}, H, nonlinearity="${c.activation}"${lay}): h_t = ${c.activation}(W_xh x_t + W_hh h_{t-1} + b_h)`,
          code: moduleCell(`rnn = torch.nn.RNN(${Din}, H, nonlinearity="${c.activation}"${lay})`, Din, L, ['h'], () => ['W_xh', 'W_hh', 'b_h'], false, false),
        };
      const f = c.activation === 'sigmoid' ? 'torch.sigmoid(a)' : 'a  # identity';
      return {
        about: `a step-by-step RNN${L > 1 ? ` of ${L} layers` : ''}: h_t = ${c.activation}(W_xh x_t + W_hh h_{t-1} + b_h)`,
        code: stepCell(L, ['h'], `${sig('h_prev')}\n    a = ${P('W_xh')} @ x + ${P('W_hh')} @ h_prev + ${P('b_h')}  # [H]\n    h = ${f}\n    return h, h`),
      };
    }
    case 'lstm': {
      if (!c.peephole && !c.coupled)
        return {
          about: `nn.LSTM(${Din}, H${lay}): gates i, f, g, o; c_t = f c_{t-1} + i g, h_t = o tanh(c_t)`,
          code: moduleCell(`rnn = torch.nn.LSTM(${Din}, H${lay})`, Din, L, ['i', 'f', 'g', 'o'], gateNames, true, false),
        };
      const aff = (g: string) => `${P(`W_x${g}`)} @ x + ${P(`W_h${g}`)} @ h_prev + ${P(`b_${g}`)}`;
      const lines = [
        `    f = torch.sigmoid(${aff('f')}${c.peephole ? ` + ${P('w_cf')} * c_prev` : ''})`,
        c.coupled ? '    i = 1 - f  # coupled: the input gate is what the forget gate lets go' : `    i = torch.sigmoid(${aff('i')}${c.peephole ? ` + ${P('w_ci')} * c_prev` : ''})`,
        `    g = torch.tanh(${aff('g')})`,
        '    c = f * c_prev + i * g',
        `    o = torch.sigmoid(${aff('o')}${c.peephole ? ` + ${P('w_co')} * c)  # o peeks at c_t` : ')'}`,
        '    h = o * torch.tanh(c)',
      ];
      return {
        about: `a step-by-step LSTM${L > 1 ? ` of ${L} layers` : ''} (${[c.peephole ? 'peephole' : '', c.coupled ? 'coupled' : ''].filter(Boolean).join(', ')}, as in the notes)`,
        code: stepCell(L, ['h', 'c'], `${sig('state')}\n    h_prev, c_prev = state\n${lines.join('\n')}\n    return h, (h, c)`),
      };
    }
    case 'gru': {
      if (c.variant === 'pytorch')
        return {
          about: `nn.GRU(${Din}, H${lay}): n = tanh(W_xn x + b_n + r (W_hn h_prev + b_hn)), h = (1 - z) n + z h_prev`,
          code: moduleCell(`rnn = torch.nn.GRU(${Din}, H${lay})`, Din, L, ['r', 'z', 'n'], gateNames, false, true),
        };
      return {
        about: `a step-by-step GRU${L > 1 ? ` of ${L} layers` : ''} in the notes' classic form: n = tanh(W_xn x + W_hn (r h_prev) + b_n), h = (1 - z) h_prev + z n`,
        code: stepCell(
          L,
          ['h'],
          `${sig('h_prev')}
    r = torch.sigmoid(${P('W_xr')} @ x + ${P('W_hr')} @ h_prev + ${P('b_r')})
    z = torch.sigmoid(${P('W_xz')} @ x + ${P('W_hz')} @ h_prev + ${P('b_z')})
    n = torch.tanh(${P('W_xn')} @ x + ${P('W_hn')} @ (r * h_prev) + ${P('b_n')})
    h = (1 - z) * h_prev + z * n
    return h, h`,
        ),
      };
    }
    case 'custom': {
      const spec = c.custom as CustomCellSpec;
      return {
        about: `the spec's custom cell${L > 1 ? ` in ${L} layers` : ''}, step by step (states ${spec.states.join(', ')})`,
        code: stepCell(L, spec.states, customStep(spec, P, L > 1)),
      };
    }
  }
}
