/** BPTT: Gradient Check — BPTT's gradients against finite differences, reported in the output channel. */
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { GradcheckResult } from '../engine';
import { specText } from './specFiles';
import { output } from './output';
import type { EngineClient } from './engine/client';

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

/** Runs the check in the engine worker and writes the report. Returns it (tests read it), or undefined on a spec error. */
export async function runGradientCheck(engine: EngineClient, doc: vscode.TextDocument): Promise<GradientCheckReport | undefined> {
  const file = doc.uri.scheme === 'file' ? vscode.workspace.asRelativePath(doc.uri, false) : path.basename(doc.uri.path);
  const channel = output();
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `BPTT: gradient check of ${path.basename(doc.uri.path)}` }, async () => {
    const r = await engine.gradcheck(specText(doc));
    if (!r.results) {
      channel.appendLine(`Gradient check: ${file} has ${r.errors.length} error(s):`);
      for (const d of r.errors) channel.appendLine(`  ${file}:${d.line}:${d.column}: ${d.message}`);
      channel.show(true);
      void vscode.window.showErrorMessage(`BPTT: ${file} has errors; see the Problems view.`);
      return undefined;
    }
    const text = formatReport(r.name, file, r.results, r.ms);
    const passed = r.results.every((x) => x.maxRelError < GRADCHECK_THRESHOLD);
    channel.appendLine(text);
    channel.appendLine('');
    channel.show(true);
    const summary = `BPTT: gradient check of ${r.name}: ${passed ? 'PASS' : 'FAIL'}`;
    void (passed ? vscode.window.showInformationMessage(summary) : vscode.window.showWarningMessage(summary));
    return { file, name: r.name, passed, results: r.results, text };
  });
}
