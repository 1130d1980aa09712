/**
 * A long build's notification on the host, one per spec: "BPTT: tracing hello.rnn.yaml · forward
 * 12,000 / 60,000" with Cancel, shown from the build's first progress (a short build shows none)
 * until it ends.
 */
import * as vscode from 'vscode';
import type { BuildProgress } from './events';

export class BuildNotes {
  private readonly notes = new Map<string, { report(text: string): void; end(): void }>();

  constructor(private readonly cancel: (key: string) => void) {}

  /** Shows (or updates) the spec's notification. */
  progress(m: BuildProgress): void {
    const text = `${m.phase} ${m.done.toLocaleString('en-US')} / ${m.total.toLocaleString('en-US')}`;
    const note = this.notes.get(m.key);
    if (note) return note.report(text);
    let report: (text: string) => void = () => undefined;
    let end: () => void = () => undefined;
    const done = new Promise<void>((r) => (end = r));
    this.notes.set(m.key, { report: (t) => report(t), end: () => end() });
    const name = decodeURIComponent(m.key.replace(/^.*\//, ''));
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `BPTT: tracing ${name}`, cancellable: true }, (progress, token) => {
      report = (t) => progress.report({ message: t });
      report(text);
      token.onCancellationRequested(() => this.cancel(m.key));
      return done;
    });
  }

  /** The spec's build ended: its notification goes. */
  end(key: string): void {
    this.notes.get(key)?.end();
    this.notes.delete(key);
  }

  endAll(): void {
    for (const key of [...this.notes.keys()]) this.end(key);
  }
}
