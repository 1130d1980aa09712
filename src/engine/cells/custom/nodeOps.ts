/**
 * One node of a custom cell's graph over a block of rows, each operation beside its local
 * derivative: the forward and the reverse-mode step. A step of one sequence is one row (run.ts); a
 * batch has one row per sequence, and a node that reads neither x nor a state one row shared by all
 * (batch.ts, which runs a parameter's products with a batched vector as one matrix-matrix product).
 */
import { ELEMENTWISE, REDUCTIONS } from '../../expr';
import { matTVecAdd, matVecAdd } from '../../linalg';
import type { GraphNode } from './compile';

/** [rows, cols] of a matrix operand: a vector is a row on the left of '@', a column on the right. */
const dims = (shape: number[], left: boolean): [number, number] => (shape.length === 2 ? [shape[0], shape[1]] : shape.length === 1 ? (left ? [1, shape[0]] : [shape[0], 1]) : [1, 1]);

/** A node's values (or gradients) at one step: `rows` rows of `width` numbers (rows 1: shared by every row). */
export interface Rows {
  d: Float64Array;
  rows: number;
  width: number;
}

/** Row r of a block (row 0 of a shared one). */
const row = (x: Rows, r: number): Float64Array => (x.rows === 1 ? (x.d.length === x.width ? x.d : x.d.subarray(0, x.width)) : x.d.subarray(r * x.width, (r + 1) * x.width));
/** The offset of row r in a block. */
const at = (x: Rows, r: number): number => (x.rows === 1 ? 0 : r * x.width);
/** The strides of a binary op's operands along a row of width w: 0 for a number broadcast over it, else 1. */
const strides = (a: Rows, b: Rows, w: number): [number, number] => [a.width === 1 && w > 1 ? 0 : 1, b.width === 1 && w > 1 ? 0 : 1];

/** y = the node over its operands, row by row (y zeroed by the caller where the op accumulates). */
export function forwardRows(n: GraphNode, nodes: GraphNode[], y: Rows, a: Rows | null, b: Rows | null): void {
  const R = y.rows, w = y.width;
  switch (n.op) {
    case 'neg':
      for (let k = 0; k < R * w; k++) y.d[k] = -(a as Rows).d[a!.rows === 1 ? k % w : k];
      return;
    case '+':
    case '-':
    case '*':
    case '/': {
      const A = a as Rows, B = b as Rows, [sa, sb] = strides(A, B, w);
      for (let r = 0; r < R; r++) binaryRow(n.op, y.d, r * w, A.d, at(A, r), sa, B.d, at(B, r), sb, w);
      return;
    }
    case 'fn': {
      const A = a as Rows, f = ELEMENTWISE[n.fn].f;
      for (let r = 0; r < R; r++) {
        const ao = at(A, r), yo = r * w;
        for (let k = 0; k < w; k++) y.d[yo + k] = f(A.d[ao + k]);
      }
      return;
    }
    case 'reduce':
      for (let r = 0; r < R; r++) y.d[r] = REDUCTIONS[n.fn](row(a as Rows, r)) ?? NaN;
      return;
    case '@': {
      const sA = nodes[n.a].shape;
      const [rr, c] = dims(sA, true), [, k] = dims(nodes[n.b].shape, false);
      for (let r = 0; r < R; r++) {
        const yr = row(y, r), ar = row(a as Rows, r), br = row(b as Rows, r);
        if (k === 1 && sA.length === 2) matVecAdd(yr, ar, rr, c, br); // A: [r,c] · b: [c]
        else matmulAdd(yr, ar, br, rr, c, k);
      }
      return;
    }
    case 'transpose': {
      const [rr, c] = dims(nodes[n.a].shape, true);
      for (let r = 0; r < R; r++) {
        const ar = row(a as Rows, r), yr = row(y, r);
        for (let i = 0; i < rr; i++) for (let j = 0; j < c; j++) yr[j * rr + i] = ar[i * c + j];
      }
      return;
    }
    case 'outer':
      for (let r = 0; r < R; r++) {
        const ar = row(a as Rows, r), br = row(b as Rows, r), yr = row(y, r), m = br.length;
        for (let i = 0; i < ar.length; i++) for (let j = 0; j < m; j++) yr[i * m + j] = ar[i] * br[j];
      }
      return;
  }
}

/** One row of y = a op b (stride 0: a number broadcast over the row). The op is chosen outside the loop. */
function binaryRow(op: '+' | '-' | '*' | '/', y: Float64Array, yo: number, a: Float64Array, ao: number, sa: number, b: Float64Array, bo: number, sb: number, w: number): void {
  switch (op) {
    case '+':
      for (let k = 0; k < w; k++) y[yo + k] = a[ao + k * sa] + b[bo + k * sb];
      return;
    case '-':
      for (let k = 0; k < w; k++) y[yo + k] = a[ao + k * sa] - b[bo + k * sb];
      return;
    case '*':
      for (let k = 0; k < w; k++) y[yo + k] = a[ao + k * sa] * b[bo + k * sb];
      return;
    case '/':
      for (let k = 0; k < w; k++) y[yo + k] = a[ao + k * sa] / b[bo + k * sb];
  }
}

/**
 * One row of an operand's gradient through y = l op q: g += dy · d(l op q)/dl (left) or /dq, the
 * the local derivatives d·1, d·(-1), d·q, d·l, d·(1/q), d·(-l/q²).
 */
function binaryBackRow(
  op: '+' | '-' | '*' | '/', left: boolean, g: Float64Array, go: number, sg: number, dy: Float64Array, yo: number,
  a: Float64Array, ao: number, sa: number, b: Float64Array, bo: number, sb: number, w: number,
): void {
  switch (left ? op : `${op}r`) {
    case '+':
    case '-':
    case '+r':
      for (let k = 0; k < w; k++) g[go + k * sg] += dy[yo + k] * 1;
      return;
    case '-r':
      for (let k = 0; k < w; k++) g[go + k * sg] += dy[yo + k] * -1;
      return;
    case '*':
      for (let k = 0; k < w; k++) g[go + k * sg] += dy[yo + k] * b[bo + k * sb];
      return;
    case '*r':
      for (let k = 0; k < w; k++) g[go + k * sg] += dy[yo + k] * a[ao + k * sa];
      return;
    case '/':
      for (let k = 0; k < w; k++) g[go + k * sg] += dy[yo + k] * (1 / b[bo + k * sb]);
      return;
    case '/r':
      for (let k = 0; k < w; k++) {
        const l = a[ao + k * sa], q = b[bo + k * sb];
        g[go + k * sg] += dy[yo + k] * (-l / (q * q));
      }
  }
}

/** out [r,k] += A [r,c] B [c,k]. */
function matmulAdd(out: Float64Array, A: Float64Array, B: Float64Array, r: number, c: number, k: number): void {
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) {
    const a = A[i * c + j];
    if (a === 0) continue;
    for (let m = 0; m < k; m++) out[i * k + m] += a * B[j * k + m];
  }
}

/**
 * The node's local derivatives applied to its gradient gy, added into its operands' gradients ga and
 * gb (null: nowhere to go). skipA: the matrix of a param @ vector whose gradient an outer term forms.
 * A shared operand's gradient (one row) sums over the rows.
 */
export function backwardRows(n: GraphNode, nodes: GraphNode[], gy: Rows, y: Rows | null, a: Rows | null, b: Rows | null, ga: Rows | null, gb: Rows | null): void {
  const R = gy.rows, w = gy.width;
  switch (n.op) {
    case 'neg':
      if (ga) for (let r = 0; r < R; r++) {
        const go = at(ga, r), yo = r * w;
        for (let k = 0; k < w; k++) ga.d[go + k] -= gy.d[yo + k];
      }
      return;
    case '+':
    case '-':
    case '*':
    case '/': {
      const A = a as Rows, B = b as Rows, [sa, sb] = strides(A, B, w);
      for (let r = 0; r < R; r++) {
        const yo = r * w, ao = at(A, r), bo = at(B, r);
        if (ga) binaryBackRow(n.op, true, ga.d, at(ga, r), sa, gy.d, yo, A.d, ao, sa, B.d, bo, sb, w);
        if (gb) binaryBackRow(n.op, false, gb.d, at(gb, r), sb, gy.d, yo, A.d, ao, sa, B.d, bo, sb, w);
      }
      return;
    }
    case 'fn': {
      if (!ga) return;
      const A = a as Rows, Y = y as Rows, df = ELEMENTWISE[n.fn].df;
      for (let r = 0; r < R; r++) {
        const ao = at(A, r), go = at(ga, r), yo = r * w;
        for (let k = 0; k < w; k++) ga.d[go + k] += gy.d[yo + k] * df(A.d[ao + k], Y.d[yo + k]);
      }
      return;
    }
    case 'reduce':
      if (ga) for (let r = 0; r < R; r++) reduceBack(n.fn, row(a as Rows, r), (y as Rows).d[r], gy.d[r], row(ga, r));
      return;
    case '@': {
      const sA = nodes[n.a].shape;
      const [rr, c] = dims(sA, true), [, k] = dims(nodes[n.b].shape, false);
      for (let r = 0; r < R; r++) {
        const ar = row(a as Rows, r), br = row(b as Rows, r), g = row(gy, r);
        // dB += Aᵀ dY
        if (gb) {
          const gbr = row(gb, r);
          if (k === 1 && sA.length === 2) matTVecAdd(gbr, ar, rr, c, g); // Aᵀ: [c,r] · dy: [r]
          else for (let i = 0; i < rr; i++) for (let j = 0; j < c; j++) for (let m = 0; m < k; m++) gbr[j * k + m] += ar[i * c + j] * g[i * k + m];
        }
        // dA += dY Bᵀ
        if (ga) {
          const gar = row(ga, r);
          for (let i = 0; i < rr; i++) for (let j = 0; j < c; j++) {
            let s = 0;
            for (let m = 0; m < k; m++) s += g[i * k + m] * br[j * k + m];
            gar[i * c + j] += s;
          }
        }
      }
      return;
    }
    case 'transpose': {
      if (!ga) return;
      const [rr, c] = dims(nodes[n.a].shape, true);
      for (let r = 0; r < R; r++) {
        const gar = row(ga, r), g = row(gy, r);
        for (let i = 0; i < rr; i++) for (let j = 0; j < c; j++) gar[i * c + j] += g[j * rr + i];
      }
      return;
    }
    case 'outer':
      for (let r = 0; r < R; r++) {
        const ar = row(a as Rows, r), br = row(b as Rows, r), g = row(gy, r), m = br.length;
        const gar = ga ? row(ga, r) : null, gbr = gb ? row(gb, r) : null;
        for (let i = 0; i < ar.length; i++) for (let j = 0; j < m; j++) {
          const d = g[i * m + j];
          if (gar) gar[i] += d * br[j];
          if (gbr) gbr[j] += d * ar[i];
        }
      }
      return;
  }
}

/** d(reduction)/d(input) times the incoming gradient d, added into ga. */
export function reduceBack(fn: string, a: Float64Array, y: number, d: number, ga: Float64Array): void {
  const n = a.length;
  switch (fn) {
    case 'sum':
      for (let k = 0; k < n; k++) ga[k] += d;
      break;
    case 'mean':
      for (let k = 0; k < n; k++) ga[k] += d / n;
      break;
    case 'norm':
      if (y > 0) for (let k = 0; k < n; k++) ga[k] += (d * a[k]) / y;
      break;
    default: {
      // max / min: the first element that attains it.
      const k = a.indexOf(y);
      if (k >= 0) ga[k] += d;
    }
  }
}
