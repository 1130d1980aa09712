/**
 * The single-sequence LSTM's own wasm kernels (wasm/lstmBack.ts) as calls on Float64Arrays, placing
 * operands in the kernels' memory as wasm.ts does (pinned parameters stay where they are).
 */
import type { WasmKernels } from './wasm';

/** Steps per call: a run's rows stay a few MiB of wasm memory however long the run. */
export const BACK_BLOCK = 128;

/**
 * The standard LSTM's one-sweep backward over steps m-1 .. 0 of a block (kernel lstmBackRun). fill(i,
 * row, dz) writes step i's [i g o tanh(c) | f | c_prev] (6H) and dL/dz (K) into views of wasm
 * memory; take(i, out) reads its [dh_from_output | dh | da_i da_f da_g da_o | dc | dc_prev | dh_prev]
 * (9H) from one. dh0, dc0 arrive at step m-1 from the future; a step i with (t0 + i + 1) % chunk == 0
 * (chunk > 0) ends a chunk and receives zeros. The views are valid only during the callback.
 */
export function lstmBackRun(
  w: WasmKernels, m: number, H: number, K: number, Why: Float64Array, Wh: readonly Float64Array[],
  dh0: Float64Array, dc0: Float64Array, t0: number, chunk: number,
  fill: (i: number, row: Float64Array, dz: Float64Array) => void,
  take: (i: number, out: Float64Array) => void,
): void {
  let bytes = 8 * (m * (15 * H + K) + 3 * H) + Why.byteLength + 16 * 16;
  for (const W of Wh) bytes += W.byteLength;
  w.begin(bytes);
  const why = w.slot(Why), whi = w.slot(Wh[0]), whf = w.slot(Wh[1]), whg = w.slot(Wh[2]), who = w.slot(Wh[3]);
  const dh = w.slot(dh0), dc = w.slot(dc0), zero = w.scratch(H);
  const inp = w.scratch(6 * H * m), dz = w.scratch(K * m), out = w.scratch(9 * H * m);
  const f64 = w.f64;
  f64.fill(0, zero >> 3, (zero >> 3) + H);
  for (let i = 0; i < m; i++) {
    const r = (inp >> 3) + 6 * H * i, z = (dz >> 3) + K * i;
    fill(i, f64.subarray(r, r + 6 * H), f64.subarray(z, z + K));
  }
  w.k.lstmBackRun(inp, dz, out, m, why, K, whi, whf, whg, who, H, dh, dc, zero, t0, chunk);
  for (let i = m - 1; i >= 0; i--) {
    const r = (out >> 3) + 9 * H * i;
    take(i, f64.subarray(r, r + 9 * H));
  }
}
