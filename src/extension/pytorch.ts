/**
 * BPTT: Export to PyTorch (the CLI's `bptt export`, run as a child process so the host stays free)
 * and BPTT: Import PyTorch Weights… (a new spec with the model inferred from a state_dict).
 */
import * as vscode from 'vscode';
import { fork } from 'node:child_process';
import * as path from 'node:path';
import type { EngineClient } from './engine/client';
import { log } from './output';
import { uriExists } from './specFiles';

/** Files the import reads at most (larger models go through init.weights_file). */
const IMPORT_CAP = 64 * 1024 * 1024;

/** Runs dist/cli.js with args off the host's thread; resolves with its exit status and stderr. */
function runCli(extensionUri: vscode.Uri, args: string[], cwd: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = fork(vscode.Uri.joinPath(extensionUri, 'dist', 'cli.js').fsPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? 1, stderr }));
  });
}

/** Writes SPEC.py beside the spec (or where the user says) and opens it. */
export async function exportToPytorch(extensionUri: vscode.Uri, doc: vscode.TextDocument, outArg?: string): Promise<string | undefined> {
  if (doc.uri.scheme !== 'file') throw new Error('save the spec to a file first');
  if (!vscode.workspace.isTrusted) throw new Error('exporting reads the files a spec names, which Restricted Mode does not allow; trust the workspace first');
  if (doc.isDirty && !(await doc.save())) return undefined;
  const spec = doc.uri.fsPath;
  const stem = path.basename(spec).replace(/(\.rnn)?\.(ya?ml|json)$/i, '');
  let out = outArg;
  if (!out) {
    const picked = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path.join(path.dirname(spec), `${stem}.py`)), filters: { Python: ['py'] }, title: 'BPTT: Export to PyTorch' });
    if (!picked) return undefined;
    out = picked.fsPath;
  }
  const { code, stderr } = await runCli(extensionUri, ['export', spec, '--pytorch', out], path.dirname(spec));
  log(`export ${spec} -> ${out}: exit ${code}${stderr ? `\n${stderr.trim()}` : ''}`);
  if (code !== 0) throw new Error(stderr.trim().split('\n').slice(0, 3).join(' ') || `bptt export exited with ${code}`);
  if (!outArg) await vscode.window.showTextDocument(vscode.Uri.file(out));
  return out;
}

/**
 * Picks a .pt/.pth/.safetensors file, writes NAME.rnn.yaml beside it with the model inferred, opens
 * it. The host only reads the bytes (asynchronously); the engine worker unpickles them and infers the model.
 */
export async function importPytorchWeights(engine: EngineClient, fileArg?: string): Promise<string | undefined> {
  let file = fileArg;
  if (!file) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      filters: { 'PyTorch weights': ['pt', 'pth', 'safetensors'] },
      title: 'BPTT: Import PyTorch Weights',
      openLabel: 'Import',
    });
    if (!picked?.[0]) return undefined;
    file = picked[0].fsPath;
  }
  const uri = vscode.Uri.file(file);
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.size > IMPORT_CAP) throw new Error(`${path.basename(file)} is ${stat.size} bytes, more than the ${IMPORT_CAP} the import reads; write the spec by hand with init.weights_file`);
  const bytes = await vscode.workspace.fs.readFile(uri);
  const stem = path.basename(file).replace(/\.(pth?|safetensors)$/i, '');
  const { text } = await engine.importWeights(path.basename(file), stem, bytes);
  let target = vscode.Uri.file(path.join(path.dirname(file), `${stem}.rnn.yaml`));
  for (let i = 2; await uriExists(target); i++) target = vscode.Uri.file(path.join(path.dirname(file), `${stem}-${i}.rnn.yaml`));
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  await vscode.window.showTextDocument(target);
  return target.fsPath;
}
