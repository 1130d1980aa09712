/** The bptt command line: dispatch to a command, and every failure to a message and an exit status. */
import { version } from '../../package.json';
import { parseCommandArgs } from './args';
import { COMMANDS, findCommand } from './commands';
import { CliError, EXIT, usageError } from './errors';
import type { Io } from './io';
import { commandUsage, globalUsage } from './usage';
import { escapeControls } from './escape';

const specs = () => COMMANDS.map((c) => c.spec);

async function dispatch(argv: string[], io: Io): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) throw usageError('missing command');
  if (first === '--help' || first === '-h') return io.out(globalUsage(specs()) + '\n'), EXIT.ok;
  if (first === '--version' || first === '-v' || first === '-V') return io.out(version + '\n'), EXIT.ok;
  if (first === 'help') {
    if (rest.length === 0) return io.out(globalUsage(specs()) + '\n'), EXIT.ok;
    const c = findCommand(rest[0]);
    if (!c) throw usageError(`unknown command '${rest[0]}'`);
    return io.out(commandUsage(c.spec) + '\n'), EXIT.ok;
  }
  if (first.startsWith('-')) throw usageError(`unknown option '${first}'`);
  const command = findCommand(first);
  if (!command) throw usageError(`unknown command '${first}'`);
  const args = parseCommandArgs(command.spec, rest);
  if (args.values.help) return io.out(commandUsage(command.spec) + '\n'), EXIT.ok;
  return command.run(args, io);
}

/** Runs bptt with `argv` (without node and the script); never throws, returns the exit status. */
export async function cli(argv: string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    if (err instanceof CliError) {
      io.err(err.lines.map((l) => escapeControls(l)).join('\n') + '\n');
      if (err.usageOf !== undefined) {
        const c = err.usageOf ? findCommand(err.usageOf) : undefined;
        io.err('\n' + (c ? commandUsage(c.spec, false) : globalUsage(specs())) + '\n');
      }
      return err.code;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.err(`bptt: internal error: ${escapeControls(message.split('\n')[0])}\n`);
    if (env.BPTT_DEBUG === '1' && err instanceof Error && err.stack) io.err(err.stack + '\n');
    return EXIT.internal;
  }
}
