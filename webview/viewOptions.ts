/**
 * How the parameter heatmaps are coloured, chosen in the panel and kept in its state: one scale
 * per card (each heatmap its own) or shared (every card's "at t" on one scale, every running sum on
 * another), and linear or log magnitude.
 */
export type ScaleMode = 'card' | 'shared';

export interface HeatmapView {
  scale: ScaleMode;
  log: boolean;
}

export const DEFAULT_VIEW: HeatmapView = { scale: 'card', log: false };

export function parseView(v: unknown): HeatmapView {
  const o = (typeof v === 'object' && v !== null ? v : {}) as Partial<HeatmapView>;
  return { scale: o.scale === 'shared' ? 'shared' : 'card', log: o.log === true };
}
