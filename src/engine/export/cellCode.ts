/**
 * The recurrent cell in the exported script: torch.nn's module where one computes exactly our cell
 * (nn.RNN tanh/relu, the plain nn.LSTM, the pytorch-form nn.GRU), written step by step otherwise
 * (the notes' variants: sigmoid/identity RNN, peephole or coupled LSTM, the classic GRU).
 */
import type { ModelConfig } from '../types';

export interface CellCode {
  /** One line saying what the cell is. */
  about: string;
  /** Python defining `run(xs, state) -> (hs [n, H], state)` and `initial_state()`. */
  code: string;
}

const gateNames = (q: string): [string, string, string] => [`W_x${q}`, `W_h${q}`, `b_${q}`];
const ld = (x: { load: string[]; grads: string[] }): [string[], string[]] => [x.load, x.grads];

/** The GRU: b_hn sits in bias_hh's n rows, inside r * (W_hn h + b_hn). */
function gru(): { load: string[]; grads: string[] } {
  const s = stacked(['r', 'z', 'n'], gateNames, 'rnn.bias_hh_l0.copy_(torch.cat([torch.zeros(2 * H), P["b_hn"]]))  # b_hn stays inside r * (...)');
  s.grads.push('"b_hn": g["bias_hh_l0"][2 * H : 3 * H],');
  return s;
}

/**
 * A torch.nn module holding our parameters: gates stacked in PyTorch's order, our b in bias_ih and
 * zeros (the GRU: b_hn) in bias_hh; after backward its gradients are split back into our names
 * (a gate's b gets bias_ih's gradient, which equals bias_hh's).
 */
function moduleCell(ctor: string, load: string[], grads: string[], state: string, call: string, ret: string): string {
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
    return ${state}


def run(xs, state):
    """Steps the inputs xs [n, D] from state; returns h_1..h_n [n, H] and the last state."""
    # The module takes and returns states with a leading num_layers axis.
    ${call}
    return hs, ${ret}`;
}

/** Loading lines and gradient lines for stacked gates qs. */
function stacked(qs: string[], names: (q: string) => [string, string, string], extraBias: string | null): { load: string[]; grads: string[] } {
  const cat = (i: 0 | 1 | 2) => (qs.length === 1 ? `P["${names(qs[0])[i]}"]` : `torch.cat([${qs.map((q) => `P["${names(q)[i]}"]`).join(', ')}])`);
  const load = [
    `rnn.weight_ih_l0.copy_(${cat(0)})  # [${qs.length > 1 ? qs.length : ''}H, D]${qs.length > 1 ? `, gates ${qs.join(', ')}` : ''}`,
    `rnn.weight_hh_l0.copy_(${cat(1)})  # [${qs.length > 1 ? qs.length : ''}H, H]`,
    `rnn.bias_ih_l0.copy_(${cat(2)})`,
    extraBias ?? 'rnn.bias_hh_l0.zero_()',
  ];
  const grads: string[] = [];
  qs.forEach((q, i) => {
    const rows = qs.length === 1 ? '' : `[${i} * H : ${i + 1} * H]`;
    const [wx, wh, b] = names(q);
    grads.push(`"${wx}": g["weight_ih_l0"]${rows},`, `"${wh}": g["weight_hh_l0"]${rows},`, `"${b}": g["bias_ih_l0"]${rows},`);
  });
  return { load, grads };
}

/** Step-by-step cells: \`step(x, state)\` is the notes' equations, one line each. */
function stepCell(stateInit: string, step: string): string {
  return `def module_grads():
    return {}  # the step function uses P directly


def initial_state():
    return ${stateInit}


${step}


def run(xs, state):
    """Steps the inputs xs [n, D] from state; returns h_1..h_n [n, H] and the last state."""
    hs = []
    for x in xs:
        h, state = step(x, state)
        hs.append(h)
    return torch.stack(hs), state`;
}

export function cellCode(c: ModelConfig): CellCode {
  switch (c.cell) {
    case 'rnn': {
      if (c.activation === 'tanh' || c.activation === 'relu')
        return {
          about: `nn.RNN(D, H, nonlinearity="${c.activation}"): h_t = ${c.activation}(W_xh x_t + W_hh h_{t-1} + b_h)`,
          code: moduleCell(
            `rnn = torch.nn.RNN(D, H, nonlinearity="${c.activation}")`,
            ...ld(stacked(['h'], () => ['W_xh', 'W_hh', 'b_h'], null)),
            'h0',
            'hs, h = rnn(xs, state[None])',
            'h[0]',
          ),
        };
      const f = c.activation === 'sigmoid' ? 'torch.sigmoid' : '';
      return {
        about: `a step-by-step RNN: h_t = ${c.activation}(W_xh x_t + W_hh h_{t-1} + b_h)`,
        code: stepCell(
          'h0',
          `def step(x, h_prev):
    a = P["W_xh"] @ x + P["W_hh"] @ h_prev + P["b_h"]  # [H]
    h = ${f ? `${f}(a)` : 'a  # identity'}
    return h, h`,
        ),
      };
    }
    case 'lstm': {
      if (!c.peephole && !c.coupled) {
        const q = ['i', 'f', 'g', 'o'];
        return {
          about: 'nn.LSTM(D, H): gates i, f, g, o; c_t = f c_{t-1} + i g, h_t = o tanh(c_t)',
          code: moduleCell(
            'rnn = torch.nn.LSTM(D, H)',
            ...ld(stacked(q, gateNames, null)),
            '(h0, c0)',
            'hs, (h, c) = rnn(xs, (state[0][None], state[1][None]))',
            '(h[0], c[0])',
          ),
        };
      }
      const aff = (g: string) => `P["W_x${g}"] @ x + P["W_h${g}"] @ h_prev + P["b_${g}"]`;
      const lines = [
        `    f = torch.sigmoid(${aff('f')}${c.peephole ? ' + P["w_cf"] * c_prev' : ''})`,
        c.coupled ? '    i = 1 - f  # coupled: the input gate is what the forget gate lets go' : `    i = torch.sigmoid(${aff('i')}${c.peephole ? ' + P["w_ci"] * c_prev' : ''})`,
        `    g = torch.tanh(${aff('g')})`,
        '    c = f * c_prev + i * g',
        `    o = torch.sigmoid(${aff('o')}${c.peephole ? ' + P["w_co"] * c)  # o peeks at c_t' : ')'}`,
        '    h = o * torch.tanh(c)',
      ];
      return {
        about: `a step-by-step LSTM (${[c.peephole ? 'peephole' : '', c.coupled ? 'coupled' : ''].filter(Boolean).join(', ')}, as in the notes)`,
        code: stepCell('(h0, c0)', `def step(x, state):\n    h_prev, c_prev = state\n${lines.join('\n')}\n    return h, (h, c)`),
      };
    }
    case 'gru': {
      const q = ['r', 'z', 'n'];
      if (c.variant === 'pytorch')
        return {
          about: 'nn.GRU(D, H): n = tanh(W_xn x + b_n + r (W_hn h_prev + b_hn)), h = (1 - z) n + z h_prev',
          code: moduleCell(
            'rnn = torch.nn.GRU(D, H)',
            ...ld(gru()),
            'h0',
            'hs, h = rnn(xs, state[None])',
            'h[0]',
          ),
        };
      return {
        about: "a step-by-step GRU in the notes' classic form: n = tanh(W_xn x + W_hn (r h_prev) + b_n), h = (1 - z) h_prev + z n",
        code: stepCell(
          'h0',
          `def step(x, h_prev):
    r = torch.sigmoid(P["W_xr"] @ x + P["W_hr"] @ h_prev + P["b_r"])
    z = torch.sigmoid(P["W_xz"] @ x + P["W_hz"] @ h_prev + P["b_z"])
    n = torch.tanh(P["W_xn"] @ x + P["W_hn"] @ (r * h_prev) + P["b_n"])
    h = (1 - z) * h_prev + z * n
    return h, h`,
        ),
      };
    }
    case 'custom':
      throw new Error('exporting a custom cell to PyTorch is not supported yet: only rnn, lstm and gru');
  }
}
