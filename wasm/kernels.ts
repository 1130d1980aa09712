// The engine's dense kernels in WebAssembly SIMD (f64x2), compiled by AssemblyScript at build time
// (scripts/wasmKernels.mjs). Every pointer is a byte offset into the imported memory, every matrix
// row-major float64. Each kernel computes exactly what its namesake in src/engine/linalg.ts does
// (the JavaScript reference); sums may be formed in another order, so results agree to rounding.
// No allocation: the caller places every operand (src/engine/kernels/wasm.ts).
//
// This file is the entry: the wasm module exports exactly what it re-exports. Each kernel lives in
// its module (simd.ts: shared lane helpers; matvec.ts; gemm.ts; fdlibm.ts: exp/tanh; gates.ts).

export { matVecAdd, matVecAdd2, matTVecAdd, matTVecAdd2, transposeRows } from './matvec';
export { gemmRows, gemmABt } from './gemm';
export { lstmGatesRows, expInto, tanhInto, sigmoidInto, lstmGates, lstmSteps } from './gates';
export { stepMatVec, stepMatTVec, gruForward, gruForwardRun, gruBackward } from './gru';
export { gruBackRun, rnnBackRun } from './stepBack';
export { rnnForwardRun } from './rnn';
export { lstmBackRun } from './lstmBack';
export { lstmGatesRun } from './lstmTape';
