/** The "BPTT" output channel, and the one way a handler reports a failure without throwing. */
import * as vscode from 'vscode';

let channel: vscode.OutputChannel | undefined;

/** The shared output channel; created on first use, disposed with the extension. */
export function output(): vscode.OutputChannel {
  channel ??= vscode.window.createOutputChannel('BPTT');
  return channel;
}

export function log(line: string): void {
  output().appendLine(`[${new Date().toISOString().slice(11, 23)}] ${line}`);
}

/** Reports an exception in the output channel and as a non-modal error message; never throws. */
export function reportError(where: string, e: unknown): void {
  try {
    const message = e instanceof Error ? e.message : String(e);
    log(`${where} failed: ${e instanceof Error && e.stack ? e.stack : message}`);
    void vscode.window.showErrorMessage(`BPTT: ${where} failed: ${message}`, 'Show Output').then(
      (pick) => pick && output().show(true),
      () => undefined,
    );
  } catch {
    // Reporting must never be what breaks a handler.
  }
}

/** Wraps a handler so that no exception escapes it. */
export function guard<A extends unknown[], R>(where: string, fn: (...args: A) => R | Promise<R>): (...args: A) => Promise<R | undefined> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (e) {
      reportError(where, e);
      return undefined;
    }
  };
}

export function disposeOutput(): void {
  channel?.dispose();
  channel = undefined;
}

/** A value for a log line: JSON, cut to 300 characters, or its string form when it has none. */
export function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v)?.slice(0, 300) ?? String(v);
  } catch {
    return String(v);
  }
}
