/** Disposables released in one place (as microsoft/vscode-hexeditor's src/dispose.ts). */
import type * as vscode from 'vscode';

/** Disposes every item, collecting errors so one failure does not leak the rest. */
export function disposeAll(disposables: vscode.Disposable[]): void {
  const errors: unknown[] = [];
  while (disposables.length) {
    try {
      disposables.pop()?.dispose();
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'several disposables failed to dispose');
}

/** A base class that owns disposables and releases them once. */
export abstract class Disposable {
  private disposed = false;
  protected readonly disposables: vscode.Disposable[] = [];

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeAll(this.disposables);
  }

  protected register<T extends vscode.Disposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.disposables.push(d);
    return d;
  }
}
