/** Custom cells that between them use every operator and function of the equations (shared by the gradient and batch tests). */
import type { CustomCellSpec } from '../../../src/engine';

export const PARAMS: CustomCellSpec['params'] = { A: ['H', 'D'], B: ['H', 'H'], M: ['D', 'H'], v: ['H'], w: ['H'] };

/** Each operator or function inside a cell h = tanh(...), or a two-state cell. */
export const CELLS: Record<string, string> = {
  '+': 'h = tanh(A @ x + B @ h_prev + v)',
  '-': 'h = tanh(A @ x - B @ h_prev - v)',
  '*': 'h = tanh(v * h_prev + w * (A @ x))',
  '/': 'h = tanh((A @ x) / (2 + v * v) + v / (1.5 + h_prev * h_prev))',
  'unary -': 'h = tanh(-(A @ x) + -v * h_prev)',
  'number * vector': 'h = tanh(0.5 * (B @ h_prev) + (A @ x) * 2 - 1)',
  '@ matrix-vector': 'h = tanh(B @ h_prev + A @ x)',
  '@ vector-matrix': 'h = tanh(x @ M + h_prev @ B)',
  '@ matrix-matrix': 'h = tanh((B @ transpose(B)) @ h_prev + A @ x)',
  '@ vector-vector (dot)': 'h = tanh((v @ h_prev) * w + A @ x)',
  sigmoid: 'h = sigmoid(A @ x + B @ h_prev)',
  tanh: 'h = tanh(A @ x + B @ h_prev)',
  relu: 'h = tanh(relu(A @ x + B @ h_prev + v))',
  exp: 'h = tanh(exp(0.3 * (A @ x + B @ h_prev)))',
  log: 'h = tanh(log(1.5 + v * v + h_prev * h_prev) + A @ x)',
  sqrt: 'h = tanh(sqrt(1 + (A @ x) * (A @ x)) + B @ h_prev)',
  abs: 'h = tanh(abs(A @ x + v) + B @ h_prev)',
  softplus: 'h = tanh(softplus(A @ x + B @ h_prev))',
  sum: 'h = tanh(sum(A @ x) * v + B @ h_prev)',
  mean: 'h = tanh(mean(B @ h_prev) * w + A @ x)',
  norm: 'h = tanh(norm(h_prev + v) * w + A @ x)',
  max: 'h = tanh(max(A @ x + h_prev) * v + B @ h_prev)',
  min: 'h = tanh(min(A @ x - h_prev) * v + B @ h_prev)',
  transpose: 'h = tanh(transpose(B) @ h_prev + transpose(M) @ x)',
  outer: 'h = tanh(outer(v, h_prev) @ w + A @ x)',
  'two states, gates reused': 'f = sigmoid(B @ h_prev + v)\nc = f * c_prev + (1 - f) * tanh(A @ x)\nh = tanh(c) * f',
  'a name for a parameter and an input': 'u = v\nk = x\nh = tanh(A @ k + u * h_prev)',
};
