/** The LSTM's equations as text (CellInfo.equations): what the panel, the CLI and the export render or check. */

/** The LSTM's equations in the expression language; dc_next is dL/dc_t arriving from step t+1. */
export function equations(own: string[], peephole: boolean, coupled: boolean): { forward: string[]; backward: string[] } {
  const peep = (q: string, c: string): string => (peephole ? ` + w_c${q} * ${c}` : '');
  const affine = (q: string): string => `W_x${q} @ x + W_h${q} @ h_prev + b_${q}`;
  const forward = [
    ...(coupled ? [] : [`i = sigmoid(${affine('i')}${peep('i', 'c_prev')})`]),
    `f = sigmoid(${affine('f')}${peep('f', 'c_prev')})`,
    ...(coupled ? ['i = 1 - f'] : []),
    `g = tanh(${affine('g')})`,
    'c = f * c_prev + i * g',
    `o = sigmoid(${affine('o')}${peep('o', 'c')})`,
    'h = o * tanh(c)',
  ];
  const backward = [
    'do = dh * tanh(c) * o * (1 - o)',
    `dc = dc_next + dh * o * (1 - tanh(c) * tanh(c))${peephole ? ' + w_co * do' : ''}`,
    ...(coupled ? [] : ['di = dc * g * i * (1 - i)']),
    `df = ${coupled ? 'dc * (c_prev - g)' : 'dc * c_prev'} * f * (1 - f)`,
    'dg = dc * i * (1 - g * g)',
    `dc_prev = dc * f${peephole ? ` + w_cf * df${coupled ? '' : ' + w_ci * di'}` : ''}`,
    `dh_prev = ${own.map((q) => `transpose(W_h${q}) @ d${q}`).join(' + ')}`,
    ...own.flatMap((q) => [`dW_x${q} = outer(d${q}, x)`, `dW_h${q} = outer(d${q}, h_prev)`, `db_${q} = d${q}`]),
  ];
  return { forward, backward };
}
