/**
 * The recurrent cell in the exported script: torch.nn's module where one computes exactly our cell
 * (nn.RNN tanh/relu, the plain nn.LSTM, the pytorch-form nn.GRU; num_layers for a stack), written
 * step by step otherwise (the notes' variants: sigmoid/identity RNN, peephole or coupled LSTM, the
 * classic GRU).
 */
import type { ModelConfig } from '../types';
import { cellInfo, type PyTorchForm } from '../cells';
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
 * A torch.nn module holding our parameters: gates stacked in PyTorch's order (as the cell's PyTorch
 * form lists them), our b in bias_ih and zeros (the cell's hidden bias, the GRU's b_hn) in bias_hh; after backward its gradients are split back into our names
 * (a gate's b gets bias_ih's gradient, which equals bias_hh's).
 */
function moduleCell(ctor: string, Din: string, L: number, blocks: [string, string, string][], hasC: boolean, hiddenBias: PyTorchForm['hiddenBias']): string {
  const G = blocks.length;
  const load: string[] = [];
  const grads: string[] = [];
  for (let l = 0; l < L; l++) {
    const cat = (i: 0 | 1 | 2) => (G === 1 ? `P["${named(blocks[0][i], l)}"]` : `torch.cat([${blocks.map((b) => `P["${named(b[i], l)}"]`).join(', ')}])`);
    const rows = G === 1 ? 'H' : `${G}H`;
    if (L > 1) load.push(`# layer ${l + 1}`);
    load.push(
      `rnn.weight_ih_l${l}.copy_(${cat(0)})  # [${rows}, ${l === 0 ? Din : 'H'}]${G > 1 ? `, blocks ${blocks.map((b) => b[2]).join(', ')}` : ''}`,
      `rnn.weight_hh_l${l}.copy_(${cat(1)})  # [${rows}, H]`,
      `rnn.bias_ih_l${l}.copy_(${cat(2)})`,
      hiddenBias
        ? `rnn.bias_hh_l${l}.copy_(torch.cat([${blocks.map((_, i) => (i === hiddenBias.block ? `P["${named(hiddenBias.name, l)}"]` : 'torch.zeros(H)')).join(', ')}]))  # ${hiddenBias.name} stays inside its gate's product`
        : `rnn.bias_hh_l${l}.zero_()`,
    );
    const r = (i: number) => (G === 1 ? '' : `[${i} * H : ${i + 1} * H]`);
    blocks.forEach((names, i) => {
      const [wx, wh, b] = names.map((n) => named(n, l));
      grads.push(`"${wx}": g["weight_ih_l${l}"]${r(i)},`, `"${wh}": g["weight_hh_l${l}"]${r(i)},`, `"${b}": g["bias_ih_l${l}"]${r(i)},`);
    });
    if (hiddenBias) grads.push(`"${named(hiddenBias.name, l)}": g["bias_hh_l${l}"]${r(hiddenBias.block)},`);
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
  // One layer's cell: its PyTorch form, states and equations (a stack repeats it with _l{l} names).
  const info = cellInfo({ ...c, layers: 1, embedding: null });
  const form = info.pytorch;
  const states = info.states;
  if (form.module !== null) {
    const args = form.args ? `, ${form.args}` : '';
    const gates = form.blocks.length > 1 ? `: gates ${info.gates.join(', ')}` : '';
    return {
      about: `nn.${form.module}(${Din}, H${args}${lay}), our ${info.label}${gates}`,
      code: moduleCell(`rnn = torch.nn.${form.module}(${Din}, H${args}${lay})`, Din, L, form.blocks, states.length > 1, form.hiddenBias),
    };
  }
  // A parameter reference inside step(): P["W_xh"] for one layer, p("W_xh", l) in a stack.
  const P = (n: string) => (L === 1 ? `P["${n}"]` : `p("${n}", l)`);
  return {
    about: `a step-by-step ${info.label}${L > 1 ? ` in ${L} layers` : ''}, its equations one line each (${form.why ?? 'no torch.nn module computes it'})`,
    code: stepCell(L, states, customStep({ states, params: info.symbols, equations: info.equations.forward.join('\n') }, P, L > 1)),
  };
}
