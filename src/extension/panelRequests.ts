/**
 * The panel's requests besides moving the cursor: a sample from the engine worker (never computed
 * on the host), and a place of the spec shown in the editor (an error's position in the panel).
 */
import * as vscode from 'vscode';
import type { SampleMessage, SampleResultMessage } from '../protocol';
import type { EngineClient } from './engine/client';
import { specText } from './specFiles';

/** Samples in the worker from the weights the panel traces; an error is an answer too (shown in the form). */
export async function answerSample(engine: EngineClient, uri: vscode.Uri, m: SampleMessage): Promise<SampleResultMessage> {
  try {
    const doc = await vscode.workspace.openTextDocument(uri);
    // Greedy needs no seed; a temperature draws differently each time, as a person expects of "sample".
    const seed = m.temperature === 0 ? 0 : Date.now() % 2 ** 31;
    const r = await engine.sample(specText(doc), { prime: m.prime, length: m.length, temperature: m.temperature, seed });
    return { type: 'sampleResult', text: r.text, weights: r.weights };
  } catch (e) {
    return { type: 'sampleResult', text: null, error: e instanceof Error ? e.message : String(e), weights: '' };
  }
}

/** Shows line:column (1-based) of the spec in its editor (the one already showing it, else the first column), selected. */
export async function revealPosition(uri: vscode.Uri, line: number, column: number): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const pos = doc.validatePosition(new vscode.Position(line - 1, column - 1));
  const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  const editor = await vscode.window.showTextDocument(doc, { viewColumn: shown?.viewColumn ?? vscode.ViewColumn.One, preserveFocus: false, preview: false, selection: new vscode.Range(pos, pos) });
  editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}
