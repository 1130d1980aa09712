/** The engine's public API: pure TypeScript, no vscode, no DOM. */
export * from './types';
export * from './records';
export { paramShapes, gateNames, countParams, sizeOf, initParams, zerosLike, cloneParams } from './params';
export { Rng } from './rng';
export { makeCell, cellInfo, layerInput, layerParam, unroll, zeroState, type Cell, type CellInfo, type CellEquations, type CellState, type GatePath, type StepCache, type StepGrad } from './cells';
export { runTrace, Trace, CHECKPOINT_THRESHOLD, PLAIN_TRACE_BYTES, plainTraceBytes, type TraceOptions, type TraceProgress } from './trace';
export { batchGrads, batchable, type BatchResult, type BatchState } from './batch';
export { gradcheck, type GradcheckResult } from './gradcheck';
export { traceJson, forwardJson, backwardJson, paramsJson } from './traceJson';
export { norm2 } from './linalg';
export * from './flow';
export * from './train';
