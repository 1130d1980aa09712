/**
 * The WebAssembly SIMD kernels (wasm/kernels.ts, compiled at build time into wasmBinary.ts) as
 * methods on Float64Arrays: each call places its operands in the kernels' memory (wasmArena.ts:
 * pinned parameters stay, the rest is copied into scratch), runs, and copies its results back.
 * wasmLoad.ts instantiates them. The cells' steps have modules of their own (wasmLstm.ts, wasmGru.ts).
 */
import { align, WasmArena, type WasmMemory } from './wasmArena';
import type { KernelBuild } from './wasmLoad';

export interface Exports {
  matVecAdd(out: number, W: number, rows: number, cols: number, x: number): void;
  matVecAdd2(outA: number, A: number, outB: number, B: number, rows: number, cols: number, x: number): void;
  matTVecAdd(out: number, W: number, rows: number, cols: number, v: number): void;
  matTVecAdd2(out: number, A: number, u: number, B: number, v: number, rows: number, cols: number): void;
  gemmRows(C: number, ldc: number, A: number, ai: number, al: number, B: number, bl: number, m: number, n: number, k: number): void;
  gemmABt(C: number, A: number, W: number, m: number, n: number, k: number): void;
  tanhInto(out: number, a: number, n: number): void;
  expInto(out: number, a: number, n: number): void;
  sigmoidInto(out: number, a: number, n: number): void;
  lstmGates(buf: number, cPrev: number, f: number, c: number, h: number, H: number): void;
  lstmSteps(XA: number, m: number, Wh: number, H: number, h: number, c: number, scratch: number, TAPE: number): void;
  transposeRows(dst: number, src: number, ld: number, rows: number, cols: number): void;
  lstmGatesRows(A: number, cPrev: number, c: number, tc: number, h: number, B: number, H: number): void;
  /** wasm/lstmTape.ts, wasm/lstmBack.ts (wrappers: wasmLstm.ts). */
  lstmGatesRun(PRE: number, m: number, H: number, c0: number, BUF: number, FO: number, CO: number, HO: number): void;
  lstmBackRun(IN: number, DZ: number, OUT: number, m: number, Why: number, K: number, Whi: number, Whf: number, Whg: number, Who: number, H: number, dh0: number, dc0: number, zero: number, t0: number, chunk: number): void;
}

/** Rows of the shared dimension per block of the packed gradient product (its panels stay in L2). */
const PANEL_ROWS = 256;

export class WasmKernels extends WasmArena {
  constructor(
    memory: WasmMemory,
    readonly k: Exports,
    /** Which build runs: 'relaxed' (fused multiply-adds) or 'simd'. */
    readonly build: KernelBuild,
  ) {
    super(memory);
  }

  matVecAdd(out: Float64Array, W: Float64Array, rows: number, cols: number, x: Float64Array): void {
    this.begin(out.byteLength + W.byteLength + x.byteLength);
    const o = this.slot(out), w = this.slot(W), xp = this.slot(x);
    this.k.matVecAdd(o, w, rows, cols, xp);
    this.back(out, o);
  }

  matVecAdd2(outA: Float64Array, A: Float64Array, outB: Float64Array, B: Float64Array, rows: number, cols: number, x: Float64Array): void {
    this.begin(outA.byteLength + outB.byteLength + A.byteLength + B.byteLength + x.byteLength);
    const oa = this.slot(outA), a = this.slot(A), ob = this.slot(outB), b = this.slot(B), xp = this.slot(x);
    this.k.matVecAdd2(oa, a, ob, b, rows, cols, xp);
    this.back(outA, oa);
    this.back(outB, ob);
  }

  matTVecAdd(out: Float64Array, W: Float64Array, rows: number, cols: number, v: Float64Array): void {
    this.begin(out.byteLength + W.byteLength + v.byteLength);
    const o = this.slot(out), w = this.slot(W), vp = this.slot(v);
    this.k.matTVecAdd(o, w, rows, cols, vp);
    this.back(out, o);
  }

  matTVecAdd2(out: Float64Array, A: Float64Array, u: Float64Array, B: Float64Array, v: Float64Array, rows: number, cols: number): void {
    this.begin(out.byteLength + A.byteLength + u.byteLength + B.byteLength + v.byteLength);
    const o = this.slot(out), a = this.slot(A), up = this.slot(u), b = this.slot(B), vp = this.slot(v);
    this.k.matTVecAdd2(o, a, up, b, vp, rows, cols);
    this.back(out, o);
  }

  /**
   * out = [b_q + W_xq x + W_hq h]_q: each gate's row of out starts from its bias, then the two
   * products as matVecAdd forms them (the same bits); x, h and out cross into wasm memory once.
   */
  affineRows(out: Float64Array, bs: readonly Float64Array[], Wx: readonly Float64Array[], Wh: readonly Float64Array[], H: number, D: number, x: Float64Array, h: Float64Array): void {
    const n = bs.length;
    let bytes = out.byteLength + x.byteLength + h.byteLength;
    for (let q = 0; q < n; q++) bytes += Wx[q].byteLength + Wh[q].byteLength;
    this.begin(bytes + 16 * 2 * n);
    for (let q = 0; q < n; q++) out.set(bs[q], q * H);
    const o = this.slot(out), xp = this.slot(x), hp = this.slot(h);
    for (let q = 0; q < n; q++) {
      const row = o + q * H * 8;
      this.k.matVecAdd(row, this.slot(Wx[q]), H, D, xp); // W_xq: [H,D] · x
      this.k.matVecAdd(row, this.slot(Wh[q]), H, H, hp); // W_hq: [H,H] · h
    }
    this.back(out, o);
  }

  /** out += Σ_q W_qᵀ v_q, each term as matTVecAdd forms it, in order; out crosses once. */
  matTVecAddMany(out: Float64Array, Ws: readonly Float64Array[], vs: readonly Float64Array[], rows: number, cols: number): void {
    let bytes = out.byteLength;
    for (let q = 0; q < Ws.length; q++) bytes += Ws[q].byteLength + vs[q].byteLength;
    this.begin(bytes + 16 * 2 * Ws.length);
    const o = this.slot(out);
    for (let q = 0; q < Ws.length; q++) this.k.matTVecAdd(o, this.slot(Ws[q]), rows, cols, this.slot(vs[q]));
    this.back(out, o);
  }

  /** G[rows,cols] += A[n,rows]ᵀ · B[n,cols] */
  gemmAtB(G: Float64Array, A: Float64Array, B: Float64Array, n: number, rows: number, cols: number): void {
    this.gemmAtBStrided(G, A, rows, B, cols, n, rows, cols);
  }

  /**
   * G[rows,cols] += Σ_r A[r*lda + i] B[r*ldb + j] over n rows (A and B with row strides): the packed
   * gradient product over a column range of wider rows. Runs over blocks of PANEL_ROWS rows: each
   * block's columns are transposed into panels At [rows, m], Bt [cols, m] and multiplied as dot
   * products (gemmABt), so the scratch stays a few MiB however many rows; G is copied in and out once.
   */
  gemmAtBStrided(G: Float64Array, A: Float64Array, lda: number, B: Float64Array, ldb: number, n: number, rows: number, cols: number): void {
    if (n <= 0) return;
    const nb = Math.min(n, PANEL_ROWS);
    const g = this.top, a = align(g + G.byteLength), b = align(a + 8 * nb * lda);
    const at = align(b + 8 * nb * ldb), bt = align(at + 8 * rows * nb);
    this.reserve(align(bt + 8 * cols * nb));
    this.f64.set(G, g / 8);
    for (let r0 = 0; r0 < n; r0 += nb) {
      const m = Math.min(nb, n - r0);
      // The block's rows; the last row only as far as the product reads it.
      this.f64.set(A.subarray(r0 * lda, (r0 + m - 1) * lda + rows), a / 8);
      this.f64.set(B.subarray(r0 * ldb, (r0 + m - 1) * ldb + cols), b / 8);
      this.k.transposeRows(at, a, lda, m, rows);
      this.k.transposeRows(bt, b, ldb, m, cols);
      this.k.gemmABt(g, at, bt, rows, cols, m); // G[rows,cols] += At[rows,m] · Bt[cols,m]ᵀ
    }
    this.back(G, g);
  }

  /** C[m,n] += A[m,k] · W[k,n] */
  gemmAB(C: Float64Array, A: Float64Array, W: Float64Array, m: number, k: number, n: number): void {
    this.begin(C.byteLength + A.byteLength + W.byteLength);
    const c = this.slot(C), a = this.slot(A), w = this.slot(W);
    this.k.gemmRows(c, n, a, k, 1, w, n, m, n, k);
    this.back(C, c);
  }

  /** C[m,n] += A[m,k] · W[n,k]ᵀ */
  gemmABt(C: Float64Array, A: Float64Array, W: Float64Array, m: number, n: number, k: number): void {
    this.begin(C.byteLength + A.byteLength + W.byteLength);
    const c = this.slot(C), a = this.slot(A), w = this.slot(W);
    this.k.gemmABt(c, a, w, m, n, k);
    this.back(C, c);
  }

  /**
   * XA = [bias + W x_t]_t for the m inputs packed in X ([m, cols]), XA: [m, rows]: one gemmABt,
   * whose every element is the sum matVecAdd forms (so the same bits as m matrix-vector products).
   */
  projectRows(XA: Float64Array, bias: Float64Array, W: Float64Array, rows: number, cols: number, X: Float64Array, m: number): void {
    this.begin(8 * rows * m + X.byteLength + W.byteLength + 64);
    const xa = this.scratch(rows * m);
    for (let t = 0; t < m; t++) this.f64.set(bias, (xa >> 3) + rows * t);
    const xp = this.slot(X), w = this.slot(W);
    this.k.gemmABt(xa, xp, w, m, rows, cols);
    this.back(XA.subarray(0, rows * m), xa);
  }

  /**
   * G[rows,cols] += A[lo..hi)ᵀ · B[lo..hi) for each run [lo, hi) of packed rows (A: [n, rows], B:
   * [n, cols]), in the order given: each run exactly as gemmAtB over its rows alone (the same blocks),
   * G staying in wasm memory from run to run instead of crossing twice a run.
   */
  gemmAtBRuns(G: Float64Array, A: Float64Array, B: Float64Array, runs: readonly (readonly [number, number])[], rows: number, cols: number): void {
    let most = 0;
    for (const [lo, hi] of runs) most = Math.max(most, Math.min(hi - lo, PANEL_ROWS));
    const g = this.top, a = align(g + G.byteLength), b = align(a + 8 * most * rows);
    const at = align(b + 8 * most * cols), bt = align(at + 8 * rows * most);
    this.reserve(align(bt + 8 * cols * most));
    this.f64.set(G, g / 8);
    for (const [lo, hi] of runs) {
      // As gemmAtBStrided over this run's rows: panels of PANEL_ROWS rows from the run's first.
      const nb = Math.min(hi - lo, PANEL_ROWS);
      for (let r0 = lo; r0 < hi; r0 += nb) {
        const m = Math.min(nb, hi - r0);
        this.f64.set(A.subarray(r0 * rows, (r0 + m) * rows), a / 8);
        this.f64.set(B.subarray(r0 * cols, (r0 + m) * cols), b / 8);
        this.k.transposeRows(at, a, rows, m, rows);
        this.k.transposeRows(bt, b, cols, m, cols);
        this.k.gemmABt(g, at, bt, rows, cols, m);
      }
    }
    this.back(G, g);
  }

  /** out = f(a) elementwise for f tanh, sigmoid or exp, with Math.tanh's / linalg sigmoid's / Math.exp's bits. */
  mapInto(fn: 'tanh' | 'sigmoid' | 'exp', out: Float64Array, a: Float64Array): void {
    this.begin(2 * a.byteLength + 32);
    const ap = this.slot(a), op = this.scratch(a.length);
    if (fn === 'tanh') this.k.tanhInto(op, ap, a.length);
    else if (fn === 'exp') this.k.expInto(op, ap, a.length);
    else this.k.sigmoidInto(op, ap, a.length);
    this.back(out, op);
  }
}
