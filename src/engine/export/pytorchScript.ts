/**
 * `bptt export --pytorch`: a readable, runnable PyTorch script of a spec's model, its weights and
 * data, forward and backward (with the spec's truncation), printing {"loss", "grads"} as JSON in
 * our parameter names, equal to `bptt trace --json` to 1e-9.
 */
import type { Params, Problem } from '../types';
import { cellInfo } from '../cells';
import { cellCode } from './cellCode';
import { pyList, pyNumber, pyString, pyTensor } from './python';

/** The whole script's text. `params` default to the problem's own (the spec's init). */
export function pytorchScript(problem: Problem, params: Params = problem.params, source = `${problem.name}.rnn.yaml`): string {
  const { config: c, sequence, bptt } = problem;
  const cell = cellCode(c);
  const T = sequence.inputs.length;
  const nTargets = sequence.targets.filter((t) => t !== null).length;
  const truncation =
    bptt.truncate === 'none' ? 'full BPTT' : bptt.truncate === 'chunks' ? `truncated in chunks of k = ${bptt.k} (the state carried, detached at each chunk's start)` : `a window: each L_t backpropagates through at most k = ${bptt.k} steps`;
  return `#!/usr/bin/env python3
"""${problem.name}: exported from ${source} by BPTT Stepper (bptt export --pytorch).

The cell: ${cell.about}.
Output: y_t = ${c.output}(W_hy h_t + b_y); loss: ${c.loss}, ${c.reduction === 'sum' ? 'summed' : 'averaged'} over the ${nTargets} steps with a target; ${truncation}.

Run it with python3 (PyTorch 1.12 or later): it prints {"loss": L, "grads": {name: dL/dname}} as JSON,
in BPTT Stepper's parameter names, equal to \`bptt trace ${source} --json\` to 1e-9.
"""
import json

import torch

torch.set_default_dtype(torch.float64)

# Sizes: x in R^D, h in R^H, y in R^K; T steps.${c.layers && c.layers > 1 ? ' L layers.' : ''}${c.embedding ? ' Tokens embedded in R^E.' : ''}
D, H, K, T = ${c.D}, ${c.H}, ${c.K}, ${T}${c.layers && c.layers > 1 ? `\nL = ${c.layers}` : ''}${c.embedding ? `\nE = ${c.embedding}` : ''}

# Parameters by BPTT Stepper's names; matrices have one row per output.
P = {
${Object.entries(params)
  .map(([name, t]) => `    ${pyString(name)}: torch.tensor(${pyTensor(t, '    ')}),  # [${t.shape.join(', ')}]`)
  .join('\n')}
}
for p in P.values():
    p.requires_grad_(True)

${dataCode(problem)}

# The recurrent cell.
${cell.code}


${lossCode(problem)}


${bpttCode(problem)}


total.backward()
grads = {name: p.grad if p.grad is not None else torch.zeros_like(p) for name, p in P.items()}
grads.update(module_grads())
print(json.dumps({"loss": total.item(), "grads": {name: grads[name].tolist() for name in P}}))
`;
}

/** Inputs (token indices when every input is one-hot), targets, h0 and c0. */
function dataCode(problem: Problem): string {
  const { sequence: s, config: c, vocab } = problem;
  const oneHot = s.inputs.every((x) => x.every((v) => v === 0 || v === 1) && x.reduce((a, b) => a + b, 0) === 1);
  const lines: string[] = ['# The data: x_t is X[t - 1], its target TARGETS[t - 1] (None: no loss at t).'];
  if (vocab) lines.push(`VOCAB = ${JSON.stringify(vocab.vocab)}`);
  if (oneHot) {
    lines.push(`INPUTS = ${JSON.stringify(s.inputs.map((x) => x.indexOf(1)))}  # token indices`);
    if (c.embedding) lines.push('X = P["W_emb"][torch.tensor(INPUTS)]  # [T, E]: the embedding looks up row v of W_emb for token v (as nn.Embedding)');
    else lines.push('X = torch.nn.functional.one_hot(torch.tensor(INPUTS), D).double()  # [T, D]');
  } else {
    lines.push(`X = torch.tensor([\n${s.inputs.map((x) => `    ${pyList(x)},`).join('\n')}\n])  # [T, D]`);
  }
  const targets = s.targets.map((t) => (t === null ? 'None' : t.kind === 'class' ? String(t.index) : `torch.tensor(${pyList(t.values)})`));
  lines.push(`TARGETS = [${targets.join(', ')}]  # ${s.targets.some((t) => t?.kind === 'class') ? 'class indices' : 'vectors'}`);
  const L = c.layers ?? 1;
  // A stack's initial states, bottom first: the engine's lower layers are h_l1, h_l2, ..., the top one h.
  const ofLayer = (s: string, l: number) => problem.s0[l === L - 1 ? s : `${s}_l${l + 1}`] ?? new Float64Array(c.H);
  const states = cellInfo({ ...c, layers: 1, embedding: null }).states; // one layer's, as the cell code unpacks them
  for (const s of states) {
    if (L === 1) lines.push(`${s}0 = torch.tensor(${pyList(ofLayer(s, 0))})`);
    else lines.push(`${s}0 = torch.tensor([${Array.from({ length: L }, (_, l) => pyList(ofLayer(s, l))).join(', ')}])  # [L, H], layer 1 first`);
  }
  return lines.join('\n');
}

function lossCode(problem: Problem): string {
  const { config: c } = problem;
  const n = problem.sequence.targets.filter((t) => t !== null).length;
  const out = c.output === 'softmax' ? 'torch.softmax(z, dim=0)' : c.output === 'tanh' ? 'torch.tanh(z)' : c.output === 'sigmoid' ? 'torch.sigmoid(z)' : 'z';
  const vec = '    v = torch.nn.functional.one_hot(torch.tensor(target), K).double() if isinstance(target, int) else target';
  const body =
    c.loss === 'cross-entropy'
      ? `${vec}\n    return -(v * torch.log_softmax(z, dim=0)).sum()  # -sum_j v_j log p_j`
      : `${vec}\n    y = ${out}\n    return 0.5 * ((y - v) ** 2).sum()`;
  return `SCALE = ${c.reduction === 'mean' ? `1.0 / ${n}  # reduction: mean over the steps with a target` : '1.0  # reduction: sum'}


def step_loss(h, target):
    """L_t from h_t: z = W_hy h + b_y, then the loss against the target."""
    z = P["W_hy"] @ h + P["b_y"]  # [K]
${body}`;
}

/** The time loop, as the spec truncates it. */
function bpttCode(problem: Problem): string {
  const { truncate, k } = problem.bptt;
  if (truncate === 'none')
    return `# Full BPTT: one pass over the sequence, every L_t backpropagates to step 1.
hs, _ = run(X, initial_state())
total = SCALE * sum(step_loss(hs[t], target) for t, target in enumerate(TARGETS) if target is not None)`;
  if (truncate === 'chunks')
    return `# Truncated BPTT in chunks of k steps: the state is carried across, detached at each chunk's start.
k = ${k}


def detach(state):
    return tuple(detach(s) for s in state) if isinstance(state, tuple) else state.detach()


total = torch.zeros(())
state = initial_state()
for start in range(0, T, k):
    state = detach(state)
    hs, state = run(X[start : start + k], state)
    for t in range(start, min(start + k, T)):
        if TARGETS[t] is not None:
            total = total + SCALE * step_loss(hs[t - start], TARGETS[t])`;
  return `# Window truncation: each L_t backpropagates through at most k steps, from the (detached) state k steps back.
k = ${k}
with torch.no_grad():
    states = [initial_state()]  # states[t]: the state after t steps
    for t in range(T):
        states.append(run(X[t : t + 1], states[-1])[1])
total = torch.zeros(())
for t, target in enumerate(TARGETS):
    if target is None:
        continue
    start = max(0, t + 1 - k)
    hs, _ = run(X[start : t + 1], states[start])
    total = total + SCALE * step_loss(hs[-1], target)`;
}

export { pyNumber };
