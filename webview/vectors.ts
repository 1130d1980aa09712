/** Names and scales shared by the forward and backward views. */
import { maxAbs } from './colors';

/** What each vector is, in the notes' words. */
export const LONG_NAMES: Record<string, string> = {
  x: 'input',
  h: 'hidden state',
  c: 'cell state',
  y: 'output',
  a: 'pre-activation',
  i: 'input gate',
  f: 'forget gate',
  g: 'candidate',
  o: 'output gate',
  r: 'reset gate',
  z: 'update gate',
  n: 'candidate',
  hn: 'W_hn h_{t-1} + b_hn',
};

/** A symmetric colour scale for quantities that live in [-1, 1] mostly: at least 1. */
export function unitScale(...lists: ArrayLike<number>[]): number {
  return Math.max(1, maxAbs(...lists));
}
