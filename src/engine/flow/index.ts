/** Gradient flow: vanishing and exploding gradients, measured (flow map, Jacobian norms, spectra, clipping). */
export { flowMap, type FlowMap, type FlowMapOptions } from './flowMap';
export { seedTrajectory } from './unroll';
export { jacobianRow, gammaOf, type JacobianRow } from './jacobianRow';
export { spectralNorm, spectralRadius, spectralIsEstimated, SPECTRAL_EXACT_MAX } from './spectral';
export { recurrentSpectra, recurrentNames, type RecurrentSpectra } from './recurrent';
export { clipPreview, type ClipPreview } from './clip';
export { truncationCuts, type TruncationLoss } from './truncation';
export { FLOW_BUDGET, JACOBIAN_BUDGET, DEFAULT_MAX_ROWS, DEFAULT_MAX_SPAN } from './budget';
export { FLOW_SLICE, type FlowPhase, type FlowProgress } from './slices';
