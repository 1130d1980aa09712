/**
 * The loss history a weights file keeps: every epoch's mean loss for the last LOSS_RECENT epochs,
 * and before them every S-th epoch, S the least power of two with E / S <= LOSS_RECENT. So a file
 * holds at most 2 · LOSS_RECENT losses however long the run (a 466k-epoch run grew one to 10 MB).
 *
 * The kept set is consistent: what is kept at E2 > E1 was kept at E1 (S only doubles, and the recent
 * window only moves on), so a resumed run thins exactly as an uninterrupted one, and which epoch each
 * stored loss belongs to follows from progress.epoch and the list's length alone.
 */

/** Epochs kept in full at the end of the history. */
export const LOSS_RECENT = 1000;

/** The stride before the recent window after E epochs. */
function strideAt(E: number): number {
  let S = 1;
  while (E / S > LOSS_RECENT) S *= 2;
  return S;
}

/** The epochs (1-based, ascending) whose losses are kept after E epochs. */
export function keptEpochs(E: number): number[] {
  const S = strideAt(E);
  const recentFrom = Math.max(1, E - LOSS_RECENT + 1);
  const out: number[] = [];
  for (let e = S; e < recentFrom; e += S) out.push(e);
  for (let e = recentFrom; e <= E; e++) out.push(e);
  return out;
}

/** How many losses keptEpochs(E) has, without listing them. */
function keptCount(E: number): number {
  if (E <= 0) return 0;
  const recentFrom = Math.max(1, E - LOSS_RECENT + 1);
  return Math.floor((recentFrom - 1) / strideAt(E)) + (E - recentFrom + 1);
}

/**
 * The epoch of each loss in a list after E epochs: the history kept at some E1 <= E (as read from a
 * file), followed by every epoch since (as a trainer appends them). A list that fits neither is
 * taken as the last epochs.
 */
export function epochsOf(length: number, E: number): number[] {
  if (length >= E) return Array.from({ length }, (_, i) => E - length + 1 + i);
  // f(E1) = keptCount(E1) + (E - E1) does not increase with E1: the least E1 with f(E1) <= length.
  let lo = 0;
  let hi = E;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keptCount(mid) + (E - mid) <= length) hi = mid;
    else lo = mid + 1;
  }
  if (keptCount(lo) + (E - lo) !== length) return Array.from({ length }, (_, i) => E - length + 1 + i);
  const since = Array.from({ length: E - lo }, (_, i) => lo + 1 + i);
  return [...keptEpochs(lo), ...since];
}

/** The losses to store after E epochs: those of keptEpochs(E), picked from the list in memory. */
export function thinLosses(losses: readonly number[], E: number): number[] {
  if (losses.length <= LOSS_RECENT) return losses.slice();
  const epochs = epochsOf(losses.length, E);
  const keep = new Set(keptEpochs(E));
  const out: number[] = [];
  for (let i = 0; i < losses.length; i++) if (keep.has(epochs[i])) out.push(losses[i]);
  return out;
}
