/**
 * Finding the kernels: the two builds' bytes live inside the bundle (wasmBinary.ts) and are
 * instantiated synchronously, so the CLI, the extension's worker and the tests load them alike, with
 * no file to find.
 */
import { KERNELS_RELAXED_WASM_BASE64, KERNELS_WASM_BASE64 } from './wasmBinary';
import { WasmKernels, type Exports } from './wasm';
import type { WasmMemory } from './wasmArena';

/** The part of the WebAssembly API used here (the engine's lib has no DOM typings). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (d: { initial: number }) => WasmMemory;
}

function decodeBase64(s: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const value = new Uint8Array(128);
  for (let i = 0; i < alphabet.length; i++) value[alphabet.charCodeAt(i)] = i;
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0, acc = 0, o = 0;
  for (let i = 0; i < clean.length; i++) {
    acc = (acc << 6) | value[clean.charCodeAt(i)];
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** The two builds of the kernels: SIMD, and SIMD with relaxed SIMD's fused multiply-add. */
export type KernelBuild = 'simd' | 'relaxed';

/** A fresh instance of one build with its own memory; null where this runtime refuses it. */
export function instantiateKernels(build: KernelBuild): WasmKernels | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!api) return null;
  try {
    const bytes = decodeBase64(build === 'relaxed' ? KERNELS_RELAXED_WASM_BASE64 : KERNELS_WASM_BASE64);
    if (!api.validate(bytes)) return null;
    const memory = new api.Memory({ initial: 16 });
    const inst = new api.Instance(new api.Module(bytes), { env: { memory } });
    return new WasmKernels(memory, inst.exports as Exports, build);
  } catch {
    return null;
  }
}

let instance: WasmKernels | null | undefined;

/**
 * The kernels, instantiated on first call: the relaxed build where the runtime accepts relaxed SIMD
 * (newer V8, e.g. VS Code's Electron; Node 20 with --experimental-wasm-relaxed-simd, which the CLI
 * sets for itself), else the SIMD build; null where WebAssembly or its SIMD is unavailable (the
 * JavaScript kernels then do everything). Chosen once per process, so every product of a run uses
 * the same build and gives the same bits wherever it runs.
 */
export function wasmKernels(): WasmKernels | null {
  if (instance === undefined) instance = instantiateKernels('relaxed') ?? instantiateKernels('simd');
  return instance;
}
