/** Training: optimizers, the step-wise Trainer, sampling, and the weights file format. */
export { Trainer, type StepResult, type TrainerOptions, type TrainerState, type TrainProgress } from './trainer';
export { applyUpdate, clipGradients, createOptimizer, globalNorm, OPTIMIZER_SLOTS, type OptimizerState } from './optimizers';
export { NonFiniteError, type NonFiniteWhat } from './finite';
export { trainingData, epochOrder, type TrainingData } from './data';
export { sample, type SampleOptions } from './sampling';
export { changedSettings, parseWeights, resumableState, serializeWeights, WeightsError, WEIGHTS_FORMAT, WEIGHTS_VERSION, type WeightsFile } from './weights';
