/** The open stepper panels, one per spec. Their specs' edits reach them through the engine worker's one parse per edit. */
import * as vscode from 'vscode';
import type { Cursor } from '../session/cursor';
import { Disposable } from './dispose';
import { StepperPanel, STEPPER_VIEW_TYPE } from './panel';
import { webviewOptions } from './panelWebview';
import type { EngineClient } from './engine/client';
import { onDidChangePanelSettings, reusePanel } from './settings';

export class StepperPanels extends Disposable {
  private readonly panels = new Map<string, StepperPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    readonly engine: EngineClient,
  ) {
    super();
    this.register({ dispose: () => [...this.panels.values()].forEach((p) => p.dispose()) });
    this.register(onDidChangePanelSettings(() => this.panels.forEach((p) => p.postSettings())));
  }

  get(uri: vscode.Uri): StepperPanel | undefined {
    return this.panels.get(uri.toString());
  }

  all(): StepperPanel[] {
    return [...this.panels.values()];
  }

  /**
   * Opens the spec's panel beside the editor, or reveals it if open: never two panels on one spec.
   * With bptt.reusePanel, another spec's open panel (the one shown last) switches to this spec.
   */
  openOrReveal(doc: vscode.TextDocument): StepperPanel {
    const existing = this.get(doc.uri);
    if (existing) {
      existing.reveal();
      return existing;
    }
    const other = reusePanel() ? this.all().sort((a, b) => Number(b.panel.active) - Number(a.panel.active) || Number(b.panel.visible) - Number(a.panel.visible))[0] : undefined;
    if (other) {
      const reused = this.adopt(other.handOver(), doc);
      reused.reveal();
      return reused;
    }
    const panel = vscode.window.createWebviewPanel(STEPPER_VIEW_TYPE, 'BPTT', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, webviewOptions(this.extensionUri));
    return this.adopt(panel, doc);
  }

  /** Restores a panel VS Code kept across a reload (see serializer.ts). */
  revive(panel: vscode.WebviewPanel, doc: vscode.TextDocument, cursor?: Cursor): StepperPanel {
    const existing = this.get(doc.uri);
    if (existing) {
      // Two panels on one spec: keep the open one.
      panel.dispose();
      existing.reveal();
      return existing;
    }
    return this.adopt(panel, doc, cursor);
  }

  private adopt(webviewPanel: vscode.WebviewPanel, doc: vscode.TextDocument, cursor?: Cursor): StepperPanel {
    const key = doc.uri.toString();
    const panel = new StepperPanel(webviewPanel, doc.uri, this.extensionUri, this.engine, doc, cursor);
    this.panels.set(key, panel);
    panel.onDidDispose(() => {
      if (this.panels.get(key) === panel) this.panels.delete(key);
    });
    return panel;
  }
}
