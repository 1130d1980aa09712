/** Which documents are specs, and loading one through the engine's spec loader. */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { loadSpec } from '../engine/spec';
import { weightsReader } from '../node/weightsReader';
import type { Diagnostic, Problem } from '../engine';
import { namedFileRoots, specBytesReader, specFileReader, UNTRUSTED_MESSAGE } from './namedFiles';
import type { SpecText } from './engine/messages';

/** Spec files by name: *.rnn.yaml, *.rnn.yml, *.rnn.json. */
export const SPEC_GLOB = '**/*.rnn.{yaml,yml,json}';
const SPEC_NAME = /\.rnn\.(ya?ml|json)$/i;

/** Where CodeLens and the like apply: spec files on disk and untitled specs with a spec name. */
export const SPEC_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: SPEC_GLOB },
  { scheme: 'untitled', pattern: SPEC_GLOB },
];

export function isSpecUri(uri: vscode.Uri): boolean {
  return SPEC_NAME.test(uri.path);
}

export function isSpecDocument(doc: vscode.TextDocument): boolean {
  return isSpecUri(doc.uri);
}

export function specFormat(uri: vscode.Uri): 'yaml' | 'json' {
  return /\.json$/i.test(uri.path) ? 'json' : 'yaml';
}

export interface LoadedSpec {
  problem: Problem | null;
  diagnostics: Diagnostic[];
}

/** Loads the document's current text (unsaved edits included). Never throws: errors become diagnostics. */
export function loadSpecDocument(doc: vscode.TextDocument): LoadedSpec {
  const file = doc.uri.scheme === 'file' ? doc.uri.fsPath : path.basename(doc.uri.path);
  const dir = doc.uri.scheme === 'file' ? path.dirname(doc.uri.fsPath) : undefined;
  try {
    return loadSpec(doc.getText(), {
      file,
      format: specFormat(doc.uri),
      // data.file (a training corpus) is read as text beside the spec: data, never code; under the
      // workspace's rules (a regular file inside a workspace folder; nothing when untrusted).
      readFile: dir
        ? specFileReader(doc.uri.fsPath)
        : () => {
            throw new Error('an untitled spec cannot refer to other files; save it first');
          },
      // init.weights_file: bounded, inside the workspace, read again only when it changed; nothing when untrusted.
      readBytes: dir
        ? specBytesReader(doc.uri.fsPath)
        : () => {
            throw new Error('an untitled spec cannot refer to other files; save it first');
          },
    });
  } catch (e) {
    // loadSpec promises not to throw; should it anyway, the user still gets an error at line 1.
    const message = e instanceof Error ? e.message : String(e);
    return { problem: null, diagnostics: [{ severity: 'error', message, line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, length: 0, path: [] }] };
  }
}

/** The active editor's document when it is a spec. */
export function activeSpec(): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return doc && isSpecDocument(doc) ? doc : undefined;
}

/** A spec from a command argument (a Uri from CodeLens or the explorer), the active editor, or a quick pick. */
export async function resolveSpec(arg: unknown, purpose: string): Promise<vscode.TextDocument | undefined> {
  if (arg instanceof vscode.Uri) return vscode.workspace.openTextDocument(arg);
  if (typeof arg === 'string' && arg) return vscode.workspace.openTextDocument(vscode.Uri.parse(arg));
  const active = activeSpec();
  if (active) return active;
  const uris = await vscode.workspace.findFiles(SPEC_GLOB, '**/node_modules/**', 500);
  if (uris.length === 0) {
    void vscode.window.showInformationMessage('BPTT: no spec (*.rnn.yaml, *.rnn.yml, *.rnn.json) in the workspace. Try "BPTT: New Spec from Example".');
    return undefined;
  }
  uris.sort((a, b) => a.path.localeCompare(b.path));
  const pick = await vscode.window.showQuickPick(
    uris.map((uri) => ({ label: path.basename(uri.path), description: vscode.workspace.asRelativePath(uri, false), uri })),
    { title: `BPTT: ${purpose}`, placeHolder: 'Pick a spec', matchOnDescription: true },
  );
  return pick ? vscode.workspace.openTextDocument(pick.uri) : undefined;
}

/** The document's text for the engine worker (unsaved edits included): the session's key is its URI. */
export function specText(doc: vscode.TextDocument): SpecText {
  const onDisk = doc.uri.scheme === 'file';
  return {
    key: doc.uri.toString(),
    file: onDisk ? doc.uri.fsPath : path.basename(doc.uri.path),
    dir: onDisk ? path.dirname(doc.uri.fsPath) : null,
    roots: onDisk ? namedFileRoots(doc.uri.fsPath) : [],
    rootsName: vscode.workspace.workspaceFolders?.length ? 'the workspace folders' : "the spec's folder",
    refuse: vscode.workspace.isTrusted ? null : UNTRUSTED_MESSAGE,
    format: specFormat(doc.uri),
    text: doc.getText(),
  };
}

/** Whether a file is there (new specs and imports pick a name that is not taken). */
export async function uriExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
