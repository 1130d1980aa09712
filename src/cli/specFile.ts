/** Reading a spec file from disk for the CLI: its errors as FILE:LINE:COL lines and exit status 2. */
import { dirname, resolve } from 'node:path';
import type { Problem } from '../engine';
import { formatDiagnostic, loadSpec } from '../engine/spec';
import { MAX_SPEC_CHARS } from '../engine/spec/source';
import { readNamedTextSync } from '../node/safeRead';
import { weightsReader } from '../node/weightsReader';
import { CliError, EXIT } from './errors';
import { escapeControls } from './escape';

/** Why a file could not be read, in words (the safe reader's message, else Node's). */
const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Where files named in a spec may lie for the CLI: the spec's folder or the current folder (after symlinks). */
export function namedFileRoots(specPath: string): string[] {
  return [dirname(resolve(specPath)), process.cwd()];
}

/** The spec's text, by the safe reader (a regular file under the cap); a CliError (exit 2) when it cannot be read. */
export function readSpecText(path: string): string {
  try {
    // Bytes: up to 4 per character, so the loader's character limit gives the message.
    return readNamedTextSync(path, { baseDir: process.cwd(), maxBytes: 4 * MAX_SPEC_CHARS });
  } catch (err) {
    throw new CliError([escapeControls(`${path}: cannot read spec: ${reason(err)}`)], EXIT.usage);
  }
}

/**
 * Loads the spec at `path` (as the user typed it: diagnostics name the file that way). The spec and
 * the files it names (data.file) are read by the safe reader (src/node/safeRead.ts): regular files
 * only, under a size cap; data.file resolves against the spec's folder and must lie inside it or
 * the current folder. Warnings go to `warn`; an unreadable file or any error diagnostic throws a
 * CliError with exit status 2. Messages have their control characters escaped.
 */
export function loadSpecFile(path: string, warn: (line: string) => void = (l) => process.stderr.write(l + '\n')): Problem {
  const text = readSpecText(path);
  const dir = dirname(resolve(path));
  const format = /\.json$/i.test(path) ? 'json' : 'yaml';
  const roots = namedFileRoots(path);
  const readFile = (rel: string): string => readNamedTextSync(rel, { baseDir: dir, roots, rootsName: "the spec's folder or the current folder" });
  const { problem, diagnostics } = loadSpec(text, { file: path, format, readFile, readBytes: weightsReader(dir, roots) });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  for (const d of diagnostics) if (d.severity !== 'error') warn(escapeControls(formatDiagnostic(d)));
  if (errors.length > 0 || problem === null) {
    const lines = errors.map((d) => escapeControls(formatDiagnostic(d)));
    throw new CliError(lines.length > 0 ? lines : [`${path}: the spec could not be loaded`], EXIT.usage);
  }
  return problem;
}
