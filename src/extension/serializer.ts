/**
 * Restores stepper panels after a reload, on the same spec and cursor. The state is what the
 * webview saved with setState: `{ file: <spec URI string>, cursor: { phase, t } }` (StepperState).
 */
import * as vscode from 'vscode';
import { parseStepperState } from './panel';
import type { StepperPanels } from './panels';
import { log, reportError } from './output';

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
