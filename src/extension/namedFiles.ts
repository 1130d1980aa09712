/**
 * Files named in a spec, read in VS Code (src/node/safeRead.ts under the workspace's rules): inside
 * a workspace folder after resolving symlinks, and in an untrusted workspace not at all (the
 * diagnostic at data.file says so). Small functions, so the engine worker can take them over.
 */
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readNamedTextSync, type SafeReadOptions } from '../node/safeRead';
import { weightsReader } from '../node/weightsReader';
import { MAX_WEIGHTS_BYTES } from '../node/readBounded';

/** Said at data.file in Restricted Mode, instead of reading the file. */
export const UNTRUSTED_MESSAGE = 'files named in a spec are not read in an untrusted workspace (Restricted Mode); trust the workspace to read it';

/** The folders named files must lie inside (real paths): the workspace folders, or the spec's own folder outside any workspace. */
export function namedFileRoots(specPath: string): string[] {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  return (folders.length > 0 ? folders : [path.dirname(specPath)]).map((f) => {
    try {
      return fs.realpathSync(f);
    } catch {
      return f;
    }
  });
}

/** The safe reader's options for a file named by the spec at specPath. */
export function namedFileOptions(specPath: string): SafeReadOptions {
  const roots = namedFileRoots(specPath);
  return { baseDir: path.dirname(specPath), roots, rootsName: vscode.workspace.workspaceFolders?.length ? 'the workspace folders' : "the spec's folder" };
}

/** loadSpec's readFile for a spec on disk: refused when untrusted, else read under the workspace's rules. */
export function specFileReader(specPath: string): (rel: string) => string {
  return (rel) => {
    if (!vscode.workspace.isTrusted) throw new Error(UNTRUSTED_MESSAGE);
    return readNamedTextSync(rel, namedFileOptions(specPath));
  };
}

/** loadSpec's readBytes (init.weights_file): refused when untrusted, else inside the workspace, cached by size and mtime. */
export function specBytesReader(specPath: string): (rel: string) => Uint8Array {
  return (rel) => {
    if (!vscode.workspace.isTrusted) throw new Error(UNTRUSTED_MESSAGE);
    return weightsReader(path.dirname(specPath), namedFileRoots(specPath))(rel);
  };
}

/** A weights file beside the spec (SPEC.weights.json), read under the same rules; throws SafeReadError. */
export function readBesideSpec(file: string, specPath: string): string {
  return readNamedTextSync(file, { ...namedFileOptions(specPath), maxBytes: MAX_WEIGHTS_BYTES });
}
