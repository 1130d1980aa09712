/**
 * The user's settings (contributes.configuration, section `bptt`): what the panel follows (play
 * speed, the heatmaps' default colour scale) and whether Open Stepper reuses one panel. Read where
 * used, so a change applies at once; `onDidChangePanelSettings` tells the open panels.
 */
import * as vscode from 'vscode';
import type { PanelSettings } from '../protocol';

export const SECTION = 'bptt';

/** Steps per second the stepper's play offers (the webview's speed list). */
const PLAY_SPEEDS = [1, 2, 4, 10];

/** The settings a panel follows, read now; anything out of range falls back to the default. */
export function panelSettings(): PanelSettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const speed = c.get<number>('playSpeed', 2);
  return {
    playInterval: Math.round(1000 / (PLAY_SPEEDS.includes(speed) ? speed : 2)),
    heatmapScale: c.get<string>('heatmap.scale') === 'shared' ? 'shared' : 'card',
    heatmapLog: c.get<boolean>('heatmap.logScale') === true,
  };
}

/** Open Stepper on another spec reuses the open panel instead of opening one more. */
export function reusePanel(): boolean {
  return vscode.workspace.getConfiguration(SECTION).get<boolean>('reusePanel') === true;
}

/** Fires when a setting the panels follow changes. */
export function onDidChangePanelSettings(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (['playSpeed', 'heatmap.scale', 'heatmap.logScale'].some((k) => e.affectsConfiguration(`${SECTION}.${k}`))) listener();
  });
}
