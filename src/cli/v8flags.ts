/**
 * V8 flags the CLI sets for its own process (never the extension host's): Node 20 has WebAssembly
 * relaxed SIMD behind --experimental-wasm-relaxed-simd, and with it the engine's kernels use fused
 * multiply-adds (src/engine/kernels/wasm.ts). main.ts imports this module first, so the flag is set
 * before the engine instantiates its kernels; where the runtime already accepts the build, nothing is set.
 */
import { setFlagsFromString } from 'node:v8';
import { KERNELS_RELAXED_WASM_BASE64 } from '../engine/kernels/wasmBinary';

const wasm = (globalThis as { WebAssembly?: { validate(bytes: Uint8Array): boolean } }).WebAssembly;
if (wasm && !wasm.validate(Buffer.from(KERNELS_RELAXED_WASM_BASE64, 'base64'))) setFlagsFromString('--experimental-wasm-relaxed-simd');
