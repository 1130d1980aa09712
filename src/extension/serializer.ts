/**
 * Restores stepper panels after a reload, on the same spec and cursor. The state is what the
 * webview saved with setState: `{ file: <spec URI string>, cursor: { phase, t } }` (StepperState).
 */
import * as vscode from 'vscode';
import { isCursor, type Cursor } from '../protocol';
import type { StepperPanels } from './panels';
import { log, reportError } from './output';

/**
 * What the webview saves with `vscode.setState` so a reload restores the panel: `file` is the
 * spec's URI as a string (the host sends it as `summary.file` in the trace message), `cursor` the
 * last snapshot's cursor `{ phase, t }`. Other fields the webview keeps are ignored here.
 */
export interface StepperState {
  file: string;
  cursor?: Cursor;
}

/** Reads a StepperState from whatever the webview stored; null if it names no spec. */
export function parseStepperState(v: unknown): StepperState | null {
  if (typeof v !== 'object' || v === null) return null;
  const s = v as Record<string, unknown>;
  if (typeof s.file !== 'string' || !s.file) return null;
  return { file: s.file, cursor: isCursor(s.cursor) ? { phase: s.cursor.phase, t: s.cursor.t } : undefined };
}

export class StepperSerializer implements vscode.WebviewPanelSerializer {
  constructor(private readonly panels: StepperPanels) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, raw: unknown): Promise<void> {
    const state = parseStepperState(raw);
    if (!state) {
      log(`a stepper panel had no saved spec (state ${JSON.stringify(raw) ?? 'undefined'}); closing it`);
      panel.dispose();
      return;
    }
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(state.file, true));
      await this.panels.revive(panel, doc, state.cursor).firstBuild;
    } catch (e) {
      panel.dispose();
      reportError(`restoring the stepper on ${state.file}`, e);
    }
  }
}
