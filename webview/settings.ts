/**
 * The user's settings as defaults for the panel's own switches (play speed, heatmap colour scale).
 * A setting the user changes applies at once; a switch flipped in the panel holds until the
 * setting changes again (a reload keeps it: the settings last seen are saved with the state).
 */
import type { PanelSettings } from '../src/protocol';
import type { HeatmapView } from './viewOptions';

/** What to change in the panel: only the fields whose setting is new (or all, the first time). */
export function settingsPatch(prev: PanelSettings | undefined, next: PanelSettings, view: HeatmapView): { speed?: string; view?: HeatmapView } {
  const out: { speed?: string; view?: HeatmapView } = {};
  if (!prev || prev.playInterval !== next.playInterval) out.speed = String(next.playInterval);
  const scale = !prev || prev.heatmapScale !== next.heatmapScale ? next.heatmapScale : view.scale;
  const log = !prev || prev.heatmapLog !== next.heatmapLog ? next.heatmapLog : view.log;
  if (scale !== view.scale || log !== view.log) out.view = { ...view, scale, log };
  return out;
}
