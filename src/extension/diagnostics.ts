/**
 * The spec loader's diagnostics in the Problems view, at their place, as the user types. The parse
 * runs in the engine worker: the same parse rebuilds the spec's open session (panel, debugger).
 */
import * as vscode from 'vscode';
import type { Diagnostic } from '../engine';
import { Disposable } from './dispose';
import { isSpecDocument, specText } from './specFiles';
import { reportError } from './output';
import type { EngineClient } from './engine/client';

/** Typing pauses this long before a spec is re-validated. */
export const DIAGNOSTICS_DEBOUNCE_MS = 300;

/** Converts the loader's 1-based line/column range to an editor range, clamped to the document. */
export function toRange(doc: vscode.TextDocument, d: Diagnostic): vscode.Range {
  const line = (l: number) => Math.min(Math.max(0, l - 1), Math.max(0, doc.lineCount - 1));
  const start = doc.validatePosition(new vscode.Position(line(d.line), Math.max(0, d.column - 1)));
  let end = doc.validatePosition(new vscode.Position(line(d.endLine ?? d.line), Math.max(0, (d.endColumn ?? d.column) - 1)));
  // A zero-width range is hard to see: widen it to the rest of the word or line.
  if (end.isBeforeOrEqual(start)) end = doc.getWordRangeAtPosition(start)?.end ?? doc.lineAt(start.line).range.end;
  return new vscode.Range(start, end.isBefore(start) ? start : end);
}

export function toVscodeDiagnostic(doc: vscode.TextDocument, d: Diagnostic): vscode.Diagnostic {
  const out = new vscode.Diagnostic(toRange(doc, d), d.message, d.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error);
  out.source = 'bptt';
  if (d.path?.length) out.code = d.path.join('.');
  return out;
}

export class SpecDiagnostics extends Disposable {
  readonly collection: vscode.DiagnosticCollection;
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly engine: EngineClient) {
    super();
    this.collection = this.register(vscode.languages.createDiagnosticCollection('bptt'));
    this.register(vscode.workspace.onDidOpenTextDocument((doc) => void this.update(doc)));
    this.register(vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)));
    this.register(vscode.workspace.onDidSaveTextDocument((doc) => void this.update(doc)));
    this.register(vscode.workspace.onDidCloseTextDocument((doc) => this.clear(doc.uri)));
    this.register({ dispose: () => this.timers.forEach((t) => clearTimeout(t)) });
    for (const doc of vscode.workspace.textDocuments) void this.update(doc);
  }

  /** Re-validates after a pause in typing. */
  schedule(doc: vscode.TextDocument): void {
    if (!isSpecDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (!doc.isClosed) void this.update(doc);
      }, DIAGNOSTICS_DEBOUNCE_MS),
    );
  }

  /** Validates now (in the worker); resolves when the diagnostics are shown. */
  async update(doc: vscode.TextDocument, force = false): Promise<void> {
    if (!isSpecDocument(doc) || this.isDisposed) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    const version = doc.version;
    try {
      const diagnostics = await this.engine.spec(specText(doc), force);
      // A newer edit's parse may have answered already: only the document's current text counts.
      if (doc.version !== version || doc.isClosed || this.isDisposed) return;
      this.collection.set(doc.uri, diagnostics.map((d) => toVscodeDiagnostic(doc, d)));
    } catch (e) {
      reportError('validating the spec', e);
    }
  }

  clear(uri: vscode.Uri): void {
    const key = uri.toString();
    this.engine.forget(key);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.collection.delete(uri);
  }
}
