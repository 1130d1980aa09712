/** The open stepper panels, one per spec, and what keeps them live as their specs change. */
import * as vscode from 'vscode';
import type { Cursor } from '../session/cursor';
import { Disposable } from './dispose';
import { StepperPanel, STEPPER_VIEW_TYPE, webviewOptions } from './panel';
import { isSpecDocument } from './specFiles';
import { reportError } from './output';

/** Typing pauses this long before an open panel re-runs its spec (saving re-runs at once). */
export const PANEL_REFRESH_DEBOUNCE_MS = 400;

export class StepperPanels extends Disposable {
  private readonly panels = new Map<string, StepperPanel>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly extensionUri: vscode.Uri) {
    super();
    this.register(vscode.workspace.onDidSaveTextDocument((doc) => this.refresh(doc)));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)));
    this.register({
      dispose: () => {
        this.timers.forEach((t) => clearTimeout(t));
        [...this.panels.values()].forEach((p) => p.dispose());
      },
    });
  }

  get(uri: vscode.Uri): StepperPanel | undefined {
    return this.panels.get(uri.toString());
  }

  all(): StepperPanel[] {
    return [...this.panels.values()];
  }

  /** Opens the spec's panel beside the editor, or reveals it if open. */
  openOrReveal(doc: vscode.TextDocument): StepperPanel {
    const existing = this.get(doc.uri);
    if (existing) {
      existing.reveal();
      return existing;
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
    const panel = new StepperPanel(webviewPanel, doc.uri, this.extensionUri, cursor);
    this.panels.set(key, panel);
    panel.onDidDispose(() => {
      if (this.panels.get(key) === panel) this.panels.delete(key);
    });
    panel.refresh(doc);
    return panel;
  }

  private schedule(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    if (!this.panels.has(key)) return;
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (!doc.isClosed) this.refresh(doc);
      }, PANEL_REFRESH_DEBOUNCE_MS),
    );
  }

  private refresh(doc: vscode.TextDocument): void {
    const panel = this.panels.get(doc.uri.toString());
    if (!panel || !isSpecDocument(doc)) return;
    clearTimeout(this.timers.get(doc.uri.toString()));
    try {
      panel.refresh(doc);
    } catch (e) {
      reportError('re-running the spec', e);
    }
  }
}
