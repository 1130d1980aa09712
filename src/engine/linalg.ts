/** Dense kernels on row-major Float64Arrays. No allocation: callers own every buffer. */

/** out[i] += sum_j W[i,j] x[j]    W: [rows, cols] · x: [cols] -> out: [rows] */
export function matVecAdd(out: Float64Array, W: Float64Array, rows: number, cols: number, x: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    let s = 0;
    const base = i * cols;
    for (let j = 0; j < cols; j++) s += W[base + j] * x[j];
    out[i] += s;
  }
}

/** out[j] += sum_i W[i,j] v[i]    W^T: [cols, rows] · v: [rows] -> out: [cols] */
export function matTVecAdd(out: Float64Array, W: Float64Array, rows: number, cols: number, v: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    const vi = v[i];
    if (vi === 0) continue;
    const base = i * cols;
    for (let j = 0; j < cols; j++) out[j] += W[base + j] * vi;
  }
}

/** G[i,j] += u[i] v[j]    G: [rows, cols] */
export function outerAdd(G: Float64Array, rows: number, cols: number, u: Float64Array, v: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    const ui = u[i];
    if (ui === 0) continue;
    const base = i * cols;
    for (let j = 0; j < cols; j++) G[base + j] += ui * v[j];
  }
}

/** out += v */
export function addInto(out: Float64Array, v: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] += v[i];
}

export function norm2(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

export function sigmoid(a: number): number {
  // Stable on both tails.
  if (a >= 0) return 1 / (1 + Math.exp(-a));
  const e = Math.exp(a);
  return e / (1 + e);
}
