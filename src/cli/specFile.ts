/** Reading a spec file from disk for the CLI: its errors as FILE:LINE:COL lines and exit status 2. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Problem } from '../engine';
import { formatDiagnostic, loadSpec } from '../engine/spec';
import { readBoundedSync } from '../node/readBounded';
import { CliError, EXIT } from './errors';

/** Why a file could not be read, in words (not Node's error code soup). */
function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return e instanceof Error ? e.message : String(err);
  }
}

/**
 * Loads the spec at `path` (as the user typed it: diagnostics name the file that way). Files the
 * spec refers to (data.file) resolve against the spec's own directory. Warnings go to `warn`;
 * an unreadable file or any error diagnostic throws a CliError with exit status 2.
 */
export function loadSpecFile(path: string, warn: (line: string) => void = (l) => process.stderr.write(l + '\n')): Problem {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError([`${path}: cannot read spec: ${reason(err)}`], EXIT.usage);
  }
  const dir = dirname(resolve(path));
  const format = /\.json$/i.test(path) ? 'json' : 'yaml';
  const { problem, diagnostics } = loadSpec(text, { file: path, format, readFile: (rel) => readFileSync(resolve(dir, rel), 'utf8'), readBytes: (rel) => readBoundedSync(resolve(dir, rel)) });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  for (const d of diagnostics) if (d.severity !== 'error') warn(formatDiagnostic(d));
  if (errors.length > 0 || problem === null) {
    const lines = errors.map(formatDiagnostic);
    throw new CliError(lines.length > 0 ? lines : [`${path}: the spec could not be loaded`], EXIT.usage);
  }
  return problem;
}
