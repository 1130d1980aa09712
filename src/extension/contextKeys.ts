/**
 * Context keys for package.json's when-clauses: `bptt.training` while a training run goes (Cancel
 * Training), `bptt.resumable` while the active editor's spec has a weights file with progress beside
 * it (Resume Training). Kept in `values` too: VS Code has no API to read a context key back.
 */
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import { weightsPathFor } from './training/weightsPath';
import { isSpecUri } from './specFiles';
import { log } from './output';

export const CONTEXT = { training: 'bptt.training', resumable: 'bptt.resumable' } as const;

/** A weights file's progress sits at its end (see serializeWeights): this much of it is read. */
const TAIL_BYTES = 1 << 20;

/** Whether SPEC.weights.json beside the spec has training progress to resume from (read asynchronously, its tail only). */
export async function hasProgress(specPath: string): Promise<boolean> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(weightsPathFor(specPath), 'r');
    const { size } = await handle.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - length);
    return /"progress"\s*:\s*\{/.test(buf.toString('utf8'));
  } catch {
    return false; // no weights file (or unreadable): nothing to resume
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

export class ContextKeys implements vscode.Disposable {
  /** The value each key was last set to. */
  readonly values = new Map<string, boolean>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Bumped per check: an older, slower check does not overwrite a newer answer. */
  private checks = 0;
  /** The spec of the last active text editor (null: not a saved spec), kept while a webview has focus. */
  private lastSpec: string | null | undefined;

  constructor(isTraining: () => boolean, onDidChangeTraining: vscode.Event<void>) {
    this.set(CONTEXT.training, isTraining());
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.weights.json');
    this.disposables.push(
      watcher,
      watcher.onDidCreate(() => this.checkResumable()),
      watcher.onDidChange(() => this.checkResumable()),
      watcher.onDidDelete(() => this.checkResumable()),
      vscode.window.onDidChangeActiveTextEditor(() => this.checkResumable()),
      onDidChangeTraining(() => {
        this.set(CONTEXT.training, isTraining());
        this.checkResumable(); // a run ended: its weights are written
      }),
    );
    this.checkResumable();
  }

  /** Re-reads whether the active editor's spec (or, while the panel has focus, the last one) can resume training; resolves when the key is set. */
  checkResumable(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    // A webview (the stepper panel) has focus: the spec last active still counts.
    if (!editor && this.lastSpec !== undefined) return this.check(this.lastSpec);
    const doc = editor?.document;
    this.lastSpec = doc && doc.uri.scheme === 'file' && isSpecUri(doc.uri) ? doc.uri.fsPath : null;
    return this.check(this.lastSpec);
  }

  private check(spec: string | null): Promise<void> {
    const id = ++this.checks;
    return (spec ? hasProgress(spec) : Promise.resolve(false)).then((yes) => {
      if (id === this.checks) this.set(CONTEXT.resumable, yes);
    });
  }

  private set(key: string, value: boolean): void {
    if (this.values.get(key) === value) return;
    this.values.set(key, value);
    vscode.commands.executeCommand('setContext', key, value).then(undefined, (e: unknown) => log(`setContext ${key} failed: ${String(e)}`));
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
