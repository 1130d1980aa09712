/** BPTT: New Spec from Example — a bundled example as a new, unsaved spec. */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { uriExists } from './specFiles';

/** The first comment line of an example, as its description in the quick pick. */
function firstComment(text: string): string {
  const m = /^\s*(?:#|\/\/)\s*(.+)$/m.exec(text);
  return m ? m[1] : '';
}

/** Opens an untitled spec with an example's content; saved, it lands beside the workspace's first folder. */
export async function newSpecFromExample(extensionUri: vscode.Uri, pickName?: string): Promise<vscode.TextEditor | undefined> {
  const dir = vscode.Uri.joinPath(extensionUri, 'examples');
  const entries = (await vscode.workspace.fs.readDirectory(dir))
    .filter(([name, type]) => type === vscode.FileType.File && /\.rnn\.(ya?ml|json)$/i.test(name))
    .map(([name]) => name)
    .sort();
  let name = pickName && entries.includes(pickName) ? pickName : undefined;
  if (!name) {
    const items = await Promise.all(
      entries.map(async (n) => ({ label: n, detail: firstComment(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, n)))) })),
    );
    name = (await vscode.window.showQuickPick(items, { title: 'BPTT: New Spec from Example', placeHolder: 'Pick an example', matchOnDetail: true }))?.label;
  }
  if (!name) return undefined;
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, name)));
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await freeUri(folder, name);
  // An untitled document with a path: it keeps the spec's name (so it is validated) and saves there.
  const doc = await vscode.workspace.openTextDocument(target);
  const edit = new vscode.WorkspaceEdit();
  edit.insert(target, new vscode.Position(0, 0), text);
  await vscode.workspace.applyEdit(edit);
  return vscode.window.showTextDocument(doc, { preview: false });
}

async function freeUri(folder: vscode.Uri | undefined, name: string): Promise<vscode.Uri> {
  const [stem, ext] = [name.replace(/\.rnn\.(ya?ml|json)$/i, ''), name.slice(name.search(/\.rnn\.(ya?ml|json)$/i))];
  const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.path));
  for (let i = 1; ; i++) {
    const file = i === 1 ? `${stem}${ext}` : `${stem}-${i}${ext}`;
    const onDisk = folder ? vscode.Uri.joinPath(folder, file) : undefined;
    const candidate = onDisk ? onDisk.with({ scheme: 'untitled' }) : vscode.Uri.from({ scheme: 'untitled', path: file });
    if (open.has(candidate.path) || (onDisk && (await uriExists(onDisk)))) continue;
    return candidate;
  }
}
