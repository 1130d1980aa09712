/**
 * The dense kernels in plain JavaScript: the reference the WebAssembly kernels are tested against,
 * and the path taken where WebAssembly is missing or a product is too small to gain from it.
 * Row-major Float64Arrays; no allocation: callers own every buffer.
 */

/** out[i] += sum_j W[i,j] x[j]    W: [rows, cols] · x: [cols] -> out: [rows]. Four rows at a time. */
export function matVecAdd(out: Float64Array, W: Float64Array, rows: number, cols: number, x: Float64Array): void {
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    const b0 = i * cols, b1 = b0 + cols, b2 = b1 + cols, b3 = b2 + cols;
    for (let j = 0; j < cols; j++) {
      const xj = x[j];
      s0 += W[b0 + j] * xj;
      s1 += W[b1 + j] * xj;
      s2 += W[b2 + j] * xj;
      s3 += W[b3 + j] * xj;
    }
    out[i] += s0;
    out[i + 1] += s1;
    out[i + 2] += s2;
    out[i + 3] += s3;
  }
  for (; i < rows; i++) {
    let s = 0;
    const b = i * cols;
    for (let j = 0; j < cols; j++) s += W[b + j] * x[j];
    out[i] += s;
  }
}

/**
 * Two matrix-vector products over the same x in one pass: outA += A x, outB += B x, with A and B
 * both [rows, cols]. Each x[j] is loaded once for two rows of each matrix.
 */
export function matVecAdd2(outA: Float64Array, A: Float64Array, outB: Float64Array, B: Float64Array, rows: number, cols: number, x: Float64Array): void {
  let i = 0;
  for (; i + 1 < rows; i += 2) {
    let a0 = 0, a1 = 0, b0 = 0, b1 = 0;
    const r0 = i * cols, r1 = r0 + cols;
    for (let j = 0; j < cols; j++) {
      const xj = x[j];
      a0 += A[r0 + j] * xj;
      a1 += A[r1 + j] * xj;
      b0 += B[r0 + j] * xj;
      b1 += B[r1 + j] * xj;
    }
    outA[i] += a0;
    outA[i + 1] += a1;
    outB[i] += b0;
    outB[i + 1] += b1;
  }
  for (; i < rows; i++) {
    let a = 0, b = 0;
    const r = i * cols;
    for (let j = 0; j < cols; j++) {
      a += A[r + j] * x[j];
      b += B[r + j] * x[j];
    }
    outA[i] += a;
    outB[i] += b;
  }
}

/** out[j] += sum_i A[i,j] u[i] + B[i,j] v[i]: two transposed products into one output, one pass. */
export function matTVecAdd2(out: Float64Array, A: Float64Array, u: Float64Array, B: Float64Array, v: Float64Array, rows: number, cols: number): void {
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const u0 = u[i], u1 = u[i + 1], u2 = u[i + 2], u3 = u[i + 3];
    const v0 = v[i], v1 = v[i + 1], v2 = v[i + 2], v3 = v[i + 3];
    const r0 = i * cols, r1 = r0 + cols, r2 = r1 + cols, r3 = r2 + cols;
    for (let j = 0; j < cols; j++) {
      out[j] += A[r0 + j] * u0 + A[r1 + j] * u1 + A[r2 + j] * u2 + A[r3 + j] * u3 + (B[r0 + j] * v0 + B[r1 + j] * v1 + B[r2 + j] * v2 + B[r3 + j] * v3);
    }
  }
  for (; i < rows; i++) {
    const ui = u[i], vi = v[i];
    const r = i * cols;
    for (let j = 0; j < cols; j++) out[j] += A[r + j] * ui + B[r + j] * vi;
  }
}

/** out[j] += sum_i W[i,j] v[i]    W^T: [cols, rows] · v: [rows] -> out: [cols]. Four rows at a time. */
export function matTVecAdd(out: Float64Array, W: Float64Array, rows: number, cols: number, v: Float64Array): void {
  let i = 0;
  for (; i + 3 < rows; i += 4) {
    const v0 = v[i], v1 = v[i + 1], v2 = v[i + 2], v3 = v[i + 3];
    const b0 = i * cols, b1 = b0 + cols, b2 = b1 + cols, b3 = b2 + cols;
    for (let j = 0; j < cols; j++) out[j] += W[b0 + j] * v0 + W[b1 + j] * v1 + W[b2 + j] * v2 + W[b3 + j] * v3;
  }
  for (; i < rows; i++) {
    const vi = v[i];
    const b = i * cols;
    for (let j = 0; j < cols; j++) out[j] += W[b + j] * vi;
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

/**
 * C[i,j] += sum_l A[i*ai + l*al] · B[j*bj + l*bl] for i < m, j < n, l < k; C row-major with row
 * length ldc. One kernel in 4x4 register tiles for every product the engine needs, by strides:
 * AᵀB over packed steps (ai = 1, al = m) and A·Bᵀ over rows (ai = k, al = 1).
 */
export function gemmStrided(
  C: Float64Array, ldc: number,
  A: Float64Array, ai: number, al: number,
  B: Float64Array, bj: number, bl: number,
  m: number, n: number, k: number,
): void {
  let i = 0;
  for (; i + 3 < m; i += 4) {
    let j = 0;
    for (; j + 3 < n; j += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let l = 0, a = i * ai, b = j * bj; l < k; l++, a += al, b += bl) {
        const a0 = A[a], a1 = A[a + ai], a2 = A[a + 2 * ai], a3 = A[a + 3 * ai];
        const b0 = B[b], b1 = B[b + bj], b2 = B[b + 2 * bj], b3 = B[b + 3 * bj];
        s00 += a0 * b0; s01 += a0 * b1; s02 += a0 * b2; s03 += a0 * b3;
        s10 += a1 * b0; s11 += a1 * b1; s12 += a1 * b2; s13 += a1 * b3;
        s20 += a2 * b0; s21 += a2 * b1; s22 += a2 * b2; s23 += a2 * b3;
        s30 += a3 * b0; s31 += a3 * b1; s32 += a3 * b2; s33 += a3 * b3;
      }
      let c = i * ldc + j;
      C[c] += s00; C[c + 1] += s01; C[c + 2] += s02; C[c + 3] += s03; c += ldc;
      C[c] += s10; C[c + 1] += s11; C[c + 2] += s12; C[c + 3] += s13; c += ldc;
      C[c] += s20; C[c + 1] += s21; C[c + 2] += s22; C[c + 3] += s23; c += ldc;
      C[c] += s30; C[c + 1] += s31; C[c + 2] += s32; C[c + 3] += s33;
    }
    for (; j < n; j++) for (let r = i; r < i + 4; r++) C[r * ldc + j] += dotStrided(A, r * ai, al, B, j * bj, bl, k);
  }
  for (; i < m; i++) for (let j = 0; j < n; j++) C[i * ldc + j] += dotStrided(A, i * ai, al, B, j * bj, bl, k);
}

/** G[i,j] += sum_t A[t,i] B[t,j]    A: [n, rows], B: [n, cols] packed row-major -> G: [rows, cols]. */
export function gemmAtB(G: Float64Array, A: Float64Array, B: Float64Array, n: number, rows: number, cols: number): void {
  gemmStrided(G, cols, A, 1, rows, B, 1, cols, rows, cols, n);
}

/** C[m,n] += A[m,k] · W[n,k]ᵀ, all row-major: rows of A against rows of W. */
export function gemmABt(C: Float64Array, A: Float64Array, W: Float64Array, m: number, n: number, k: number): void {
  gemmStrided(C, n, A, k, 1, W, k, 1, m, n, k);
}

function dotStrided(A: Float64Array, a: number, sa: number, B: Float64Array, b: number, sb: number, n: number): number {
  let s = 0;
  for (let t = 0; t < n; t++, a += sa, b += sb) s += A[a] * B[b];
  return s;
}

/** C[m,n] += A[m,k] · W[k,n], all row-major: four rows of A share each load of W. */
export function gemmAB(C: Float64Array, A: Float64Array, W: Float64Array, m: number, k: number, n: number): void {
  let i = 0;
  for (; i + 3 < m; i += 4) {
    const c0 = i * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
    for (let l = 0; l < k; l++) {
      const x0 = A[i * k + l], x1 = A[(i + 1) * k + l], x2 = A[(i + 2) * k + l], x3 = A[(i + 3) * k + l];
      const w = l * n;
      for (let j = 0; j < n; j++) {
        const y = W[w + j];
        C[c0 + j] += x0 * y;
        C[c1 + j] += x1 * y;
        C[c2 + j] += x2 * y;
        C[c3 + j] += x3 * y;
      }
    }
  }
  for (; i < m; i++) {
    const c = i * n;
    for (let l = 0; l < k; l++) {
      const x = A[i * k + l], w = l * n;
      for (let j = 0; j < n; j++) C[c + j] += x * W[w + j];
    }
  }
}
