/**
 * Which kernels run the products, once per process: WebAssembly (its relaxed-SIMD build where the
 * runtime accepts it, else plain SIMD) or the JavaScript reference (setKernels, for the bench and the
 * tests); whether a product of a given size pays for the crossing; and which arrays stay resident in
 * wasm memory during a pass over fixed parameters.
 */
import type { Params } from './types';
import type { WasmKernels } from './kernels/wasm';
import { instantiateKernels, wasmKernels } from './kernels/wasmLoad';

export type KernelChoice = 'auto' | 'simd' | 'js';
let wasm: WasmKernels | null = wasmKernels();
let simdOnly: WasmKernels | null | undefined;

/**
 * 'js' forces the JavaScript kernels and 'simd' the WebAssembly build without fused multiply-adds
 * (for comparison); 'auto' uses WebAssembly where it pays, its relaxed SIMD build where the runtime
 * accepts it.
 */
export function setKernels(choice: KernelChoice): void {
  if (choice === 'simd') wasm = simdOnly === undefined ? (simdOnly = instantiateKernels('simd')) : simdOnly;
  else wasm = choice === 'js' ? null : wasmKernels();
}

/** Whether the WebAssembly kernels are in use. */
export function usingWasm(): boolean {
  return wasm !== null;
}

/** The WebAssembly kernels in use, or null: for a cell's own kernel wrappers (kernels/wasmLstm.ts). */
export function kernelsInUse(): WasmKernels | null {
  return wasm;
}

/** The kernels in use: 'relaxed' (WebAssembly with fused multiply-adds), 'simd' (WebAssembly), 'js'. */
export function kernelBuild(): 'relaxed' | 'simd' | 'js' {
  return wasm ? wasm.build : 'js';
}

/**
 * Products of at least this many multiply-adds run in wasm, smaller ones in JavaScript (the call and
 * copies cost more). The choice depends on the shapes alone, never on what is resident, so a
 * product gives the same bits wherever it runs (the checkpointed trace relies on that).
 */
const MIN_WORK = 2048;

/**
 * Whether a product of `work` multiply-adds runs in wasm. Copying a matrix costs far less than its
 * product in JavaScript (measured: a 256x256 product copied per call still ran 3x faster than the
 * JavaScript loop), so residency only makes it faster.
 */
export function pays(w: WasmKernels | null, work: number): w is WasmKernels {
  return w !== null && work >= MIN_WORK;
}

/**
 * Runs f with the parameters' arrays resident in WebAssembly memory, so every product over them
 * copies only its vectors. The arrays must not change while f runs (the copy would be stale).
 */
export function withParams<T>(p: Params, f: () => T): T {
  return withResident(Object.values(p).map((t) => t.data), f);
}

/** Runs f with the given arrays resident (see withParams). */
export function withResident<T>(arrays: Float64Array[], f: () => T): T {
  const w = wasm;
  if (!w) return f();
  const mark = w.pin(arrays);
  try {
    return f();
  } finally {
    w.release(mark);
  }
}

/** Keeps the arrays resident in wasm memory until the returned release is called (pins nest as a stack). */
export function pinArrays(arrays: Float64Array[]): () => void {
  const w = wasm;
  if (!w) return () => undefined;
  const mark = w.pin(arrays);
  return () => w.release(mark);
}
