/** The GRU's equations as text (CellInfo.equations): what the panel, the CLI and the export render or check. */

const GATES = ['r = sigmoid(W_xr @ x + W_hr @ h_prev + b_r)', 'z = sigmoid(W_xz @ x + W_hz @ h_prev + b_z)'];
const GRADS = ['r', 'z', 'n'].flatMap((q) => [`dW_x${q} = outer(d${q}, x)`, `db_${q} = d${q}`]);

/** The notes' GRU in the expression language. */
const CLASSIC = {
  forward: [...GATES, 'n = tanh(W_xn @ x + W_hn @ (r * h_prev) + b_n)', 'h = (1 - z) * h_prev + z * n'],
  backward: [
    'dn = dh * z * (1 - n * n)',
    'dz = dh * (n - h_prev) * z * (1 - z)',
    'drh = transpose(W_hn) @ dn',
    'dr = drh * h_prev * r * (1 - r)',
    'dh_prev = dh * (1 - z) + drh * r + transpose(W_hr) @ dr + transpose(W_hz) @ dz',
    'dW_hr = outer(dr, h_prev)',
    'dW_hz = outer(dz, h_prev)',
    'dW_hn = outer(dn, r * h_prev)',
    ...GRADS,
  ],
};

/** PyTorch's GRU in the expression language: z plays the opposite role, and r gates W_hn h_prev + b_hn. */
const PYTORCH = {
  forward: [...GATES, 'n = tanh(W_xn @ x + b_n + r * (W_hn @ h_prev + b_hn))', 'h = (1 - z) * n + z * h_prev'],
  backward: [
    'dn = dh * (1 - z) * (1 - n * n)',
    'dz = dh * (h_prev - n) * z * (1 - z)',
    'dhn = dn * r',
    'dr = dn * (W_hn @ h_prev + b_hn) * r * (1 - r)',
    'dh_prev = dh * z + transpose(W_hn) @ dhn + transpose(W_hr) @ dr + transpose(W_hz) @ dz',
    'dW_hr = outer(dr, h_prev)',
    'dW_hz = outer(dz, h_prev)',
    'dW_hn = outer(dhn, h_prev)',
    'db_hn = dhn',
    ...GRADS,
  ],
};

/** The GRU's equations in the expression language: the notes' (classic) form or PyTorch's. */
export function gruEquations(classic: boolean): { forward: string[]; backward: string[] } {
  return classic ? CLASSIC : PYTORCH;
}
