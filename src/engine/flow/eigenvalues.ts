/**
 * The eigenvalues of a real square matrix, values only, in steps a caller can interleave with other
 * work: Householder reduction to upper Hessenberg form (as JAMA's orthes), then the Francis
 * double-shift QR iteration (EISPACK's hqr, as in Numerical Recipes), which deflates one real root or
 * a complex pair at a time. O(n³) in all; the tick is called after each column of the reduction and
 * each QR sweep with the multiply-adds just spent, so a flow view can serve messages between them.
 */

/** Called with the multiply-adds spent since the last call (a slicer's tick); may throw to stop. */
export type Tick = (cost: number) => void;

/** Sweeps allowed per eigenvalue before giving up (EISPACK allows 30; the shifts change at 10 and 20). */
const MAX_SWEEPS = 60;

/** Reduces the row-major n×n matrix A (overwritten) to upper Hessenberg form by Householder similarity transforms. */
export function hessenberg(A: Float64Array, n: number, tick?: Tick): void {
  const ort = new Float64Array(n);
  for (let m = 1; m < n - 1; m++) {
    let scale = 0;
    for (let i = m; i < n; i++) scale += Math.abs(A[i * n + m - 1]);
    if (scale === 0) continue;
    // u = the column below the diagonal, scaled; H = I - u uᵀ / h.
    let h = 0;
    for (let i = n - 1; i >= m; i--) {
      ort[i] = A[i * n + m - 1] / scale;
      h += ort[i] * ort[i];
    }
    let g = Math.sqrt(h);
    if (ort[m] > 0) g = -g;
    h -= ort[m] * g;
    ort[m] -= g;
    // A <- H A H.
    for (let j = m; j < n; j++) {
      let f = 0;
      for (let i = n - 1; i >= m; i--) f += ort[i] * A[i * n + j];
      f /= h;
      for (let i = m; i < n; i++) A[i * n + j] -= f * ort[i];
    }
    for (let i = 0; i < n; i++) {
      let f = 0;
      for (let j = n - 1; j >= m; j--) f += ort[j] * A[i * n + j];
      f /= h;
      for (let j = m; j < n; j++) A[i * n + j] -= f * ort[j];
    }
    A[m * n + m - 1] = scale * g;
    for (let i = m + 1; i < n; i++) A[i * n + m - 1] = 0;
    tick?.(4 * n * (n - m));
  }
}

/**
 * The eigenvalues (re[i], im[i]) of an upper Hessenberg n×n matrix (row-major; overwritten), by
 * the shifted double-step QR iteration. Throws if an eigenvalue does not converge.
 */
export function hessenbergEigenvalues(a: Float64Array, n: number, tick?: Tick): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(n), im = new Float64Array(n);
  const at = (i: number, j: number): number => a[i * n + j];
  const set = (i: number, j: number, v: number): void => void (a[i * n + j] = v);
  let anorm = 0;
  for (let i = 0; i < n; i++) for (let j = Math.max(i - 1, 0); j < n; j++) anorm += Math.abs(at(i, j));
  let nn = n - 1;
  let t = 0; // the exceptional shifts, accumulated
  let p = 0, q = 0, r = 0, s = 0, w = 0, x = 0, y = 0, z = 0;
  while (nn >= 0) {
    let its = 0;
    let l: number;
    do {
      // Look for a single small subdiagonal element: the active block is l..nn.
      for (l = nn; l >= 1; l--) {
        s = Math.abs(at(l - 1, l - 1)) + Math.abs(at(l, l));
        if (s === 0) s = anorm;
        if (Math.abs(at(l, l - 1)) + s === s) {
          set(l, l - 1, 0);
          break;
        }
      }
      x = at(nn, nn);
      if (l === nn) {
        // One root found.
        re[nn] = x + t;
        im[nn] = 0;
        nn--;
      } else {
        y = at(nn - 1, nn - 1);
        w = at(nn, nn - 1) * at(nn - 1, nn);
        if (l === nn - 1) {
          // Two roots found: the trailing 2×2 block's.
          p = 0.5 * (y - x);
          q = p * p + w;
          z = Math.sqrt(Math.abs(q));
          x += t;
          if (q >= 0) {
            z = p + (p >= 0 ? Math.abs(z) : -Math.abs(z));
            re[nn - 1] = re[nn] = x + z;
            if (z !== 0) re[nn] = x - w / z;
            im[nn - 1] = im[nn] = 0;
          } else {
            re[nn - 1] = re[nn] = x + p;
            im[nn - 1] = -z;
            im[nn] = z;
          }
          nn -= 2;
        } else {
          if (its === MAX_SWEEPS) throw new RangeError(`the eigenvalues did not converge in ${MAX_SWEEPS} QR sweeps`);
          if (its === 10 || its === 20) {
            // An exceptional shift, to break a cycle.
            t += x;
            for (let i = 0; i <= nn; i++) set(i, i, at(i, i) - x);
            s = Math.abs(at(nn, nn - 1)) + Math.abs(at(nn - 1, nn - 2));
            y = x = 0.75 * s;
            w = -0.4375 * s * s;
          }
          its++;
          // Form the shift and look for two consecutive small subdiagonal elements.
          let m: number;
          for (m = nn - 2; m >= l; m--) {
            z = at(m, m);
            r = x - z;
            s = y - z;
            p = (r * s - w) / at(m + 1, m) + at(m, m + 1);
            q = at(m + 1, m + 1) - z - r - s;
            r = at(m + 2, m + 1);
            s = Math.abs(p) + Math.abs(q) + Math.abs(r);
            p /= s;
            q /= s;
            r /= s;
            if (m === l) break;
            const u = Math.abs(at(m, m - 1)) * (Math.abs(q) + Math.abs(r));
            const v = Math.abs(p) * (Math.abs(at(m - 1, m - 1)) + Math.abs(z) + Math.abs(at(m + 1, m + 1)));
            if (u + v === v) break;
          }
          for (let i = m + 2; i <= nn; i++) {
            set(i, i - 2, 0);
            if (i !== m + 2) set(i, i - 3, 0);
          }
          // The double QR step on rows l..nn and columns m..nn.
          for (let k = m; k <= nn - 1; k++) {
            if (k !== m) {
              p = at(k, k - 1);
              q = at(k + 1, k - 1);
              r = k !== nn - 1 ? at(k + 2, k - 1) : 0;
              x = Math.abs(p) + Math.abs(q) + Math.abs(r);
              if (x !== 0) {
                p /= x;
                q /= x;
                r /= x;
              }
            }
            const norm = Math.sqrt(p * p + q * q + r * r);
            s = p >= 0 ? norm : -norm;
            if (s === 0) continue;
            if (k === m) {
              if (l !== m) set(k, k - 1, -at(k, k - 1));
            } else set(k, k - 1, -s * x);
            p += s;
            x = p / s;
            y = q / s;
            z = r / s;
            q /= p;
            r /= p;
            for (let j = k; j <= nn; j++) {
              p = at(k, j) + q * at(k + 1, j);
              if (k !== nn - 1) {
                p += r * at(k + 2, j);
                set(k + 2, j, at(k + 2, j) - p * z);
              }
              set(k + 1, j, at(k + 1, j) - p * y);
              set(k, j, at(k, j) - p * x);
            }
            const mmin = Math.min(nn, k + 3);
            for (let i = l; i <= mmin; i++) {
              p = x * at(i, k) + y * at(i, k + 1);
              if (k !== nn - 1) {
                p += z * at(i, k + 2);
                set(i, k + 2, at(i, k + 2) - p * r);
              }
              set(i, k + 1, at(i, k + 1) - p * q);
              set(i, k, at(i, k) - p);
            }
          }
          tick?.(10 * (nn - l + 1) * (nn - l + 1));
        }
      }
    } while (l < nn - 1);
  }
  return { re, im };
}

/** The eigenvalues of a real n×n matrix (row-major; not changed): re[i] + i·im[i]. */
export function eigenvalues(M: Float64Array, n: number, tick?: Tick): { re: Float64Array; im: Float64Array } {
  const A = Float64Array.from(M);
  hessenberg(A, n, tick);
  return hessenbergEigenvalues(A, n, tick);
}
