/** Exit statuses, and the one error type the CLI turns into a message and a status. */

/** Exit statuses (70 is sysexits' EX_SOFTWARE). */
export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 70 } as const;

/** An expected failure: its lines go to stderr as they are, then the process exits with `code`. */
export class CliError extends Error {
  constructor(
    readonly lines: string[],
    readonly code: number = EXIT.usage,
    /** Print the usage of this command (or the global usage, '') after the lines. */
    readonly usageOf?: string,
  ) {
    super(lines.join('\n'));
  }
}

/** A bad command line: the message, then the usage. */
export function usageError(message: string, command = ''): CliError {
  return new CliError([`bptt${command ? ' ' + command : ''}: ${message}`], EXIT.usage, command);
}
