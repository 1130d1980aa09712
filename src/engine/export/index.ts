/** Writing a spec's model out: a runnable PyTorch script. */
export { pytorchScript } from './pytorchScript';
