/** BPTT: Gradient Check — BPTT's gradients against finite differences, reported in the output channel. */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { gradcheck, type GradcheckResult } from '../engine';
import { loadSpecDocument } from './specFiles';
import { output } from './output';

/** A parameter passes when its largest relative error is below this. */
export const GRADCHECK_THRESHOLD = 1e-6;

export interface GradientCheckReport {
  file: string;
  name: string;
  passed: boolean;
  results: GradcheckResult[];
  /** The text written to the output channel. */
  text: string;
}

const sci = (v: number) => (Number.isFinite(v) ? v.toExponential(2) : String(v));

export function formatReport(name: string, file: string, results: GradcheckResult[], ms: number): string {
  const width = Math.max(9, ...results.map((r) => r.name.length));
  const lines = [`Gradient check: ${name} (${file})`, `  ${'parameter'.padEnd(width)}  max rel error  at        result`];
  for (const r of results) {
    const ok = r.maxRelError < GRADCHECK_THRESHOLD;
    lines.push(`  ${r.name.padEnd(width)}  ${sci(r.maxRelError).padStart(13)}  ${`[${r.index.join(',')}]`.padEnd(8)}  ${ok ? 'PASS' : 'FAIL'}`);
  }
  const failed = results.filter((r) => !(r.maxRelError < GRADCHECK_THRESHOLD)).length;
  lines.push(
    failed === 0
      ? `PASS: all ${results.length} parameters within ${sci(GRADCHECK_THRESHOLD)} (${ms} ms)`
      : `FAIL: ${failed} of ${results.length} parameters above ${sci(GRADCHECK_THRESHOLD)} (${ms} ms)`,
  );
  return lines.join('\n');
}

/** Runs the check off the UI path and writes the report. Returns it (tests read it), or undefined on a spec error. */
export async function runGradientCheck(doc: vscode.TextDocument): Promise<GradientCheckReport | undefined> {
  const file = doc.uri.scheme === 'file' ? vscode.workspace.asRelativePath(doc.uri, false) : path.basename(doc.uri.path);
  const { problem, diagnostics } = loadSpecDocument(doc);
  const channel = output();
  if (!problem) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    channel.appendLine(`Gradient check: ${file} has ${errors.length} error(s):`);
    for (const d of errors) channel.appendLine(`  ${file}:${d.line}:${d.column}: ${d.message}`);
    channel.show(true);
    void vscode.window.showErrorMessage(`BPTT: ${file} has errors; see the Problems view.`);
    return undefined;
  }
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `BPTT: gradient check of ${problem.name}` },
    async () => {
      await new Promise((r) => setImmediate(r)); // let the progress show before the work
      const t0 = Date.now();
      const results = gradcheck(problem);
      const text = formatReport(problem.name, file, results, Date.now() - t0);
      const passed = results.every((r) => r.maxRelError < GRADCHECK_THRESHOLD);
      channel.appendLine(text);
      channel.appendLine('');
      channel.show(true);
      const summary = `BPTT: gradient check of ${problem.name}: ${passed ? 'PASS' : 'FAIL'}`;
      void (passed ? vscode.window.showInformationMessage(summary) : vscode.window.showWarningMessage(summary));
      return { file, name: problem.name, passed, results, text };
    },
  );
}
