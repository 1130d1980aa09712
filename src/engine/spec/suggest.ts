/** "did you mean 'hidden'?": the nearest valid name by edit distance. */

/** Edit distance with adjacent transpositions (optimal string alignment): 'lsmt' -> 'lstm' is 1. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length > 64 || b.length > 64) return Math.max(a.length, b.length);
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = [];
  for (let i = 0; i < rows; i++) {
    d.push(new Array<number>(cols).fill(0));
    d[i][0] = i;
  }
  for (let j = 0; j < cols; j++) d[0][j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
    }
  }
  return d[rows - 1][cols - 1];
}

/** The candidate closest to `name`, when it is close enough to be a likely typo; else null. */
export function nearest(name: string, candidates: readonly string[]): string | null {
  const lower = name.toLowerCase();
  let best: string | null = null;
  let bestScore = Infinity;
  for (const c of candidates) {
    // Case slips cost less than other edits, so 'W_HH' finds 'W_hh'.
    const score = c.toLowerCase() === lower ? 0.5 : editDistance(lower, c.toLowerCase()) + (editDistance(name, c) > 0 ? 0.1 : 0);
    if (score < bestScore) {
      bestScore = score;
      best = c;
    }
  }
  if (best === null) return null;
  const limit = Math.max(1, Math.min(3, Math.floor(Math.max(name.length, best.length) / 3)));
  return bestScore <= limit + 0.1 ? best : null;
}

/** "; did you mean 'hidden'?" or "". */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const n = nearest(name, candidates);
  return n === null ? '' : `; did you mean '${n}'?`;
}
