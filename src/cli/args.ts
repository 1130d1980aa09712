/** A command's options, parsed with node:util's parseArgs, with the CLI's own error messages. */
import { parseArgs } from 'node:util';
import { usageError } from './errors';

export interface OptionSpec {
  type: 'boolean' | 'string';
  short?: string;
  /** For help: the value's placeholder (string options) and what the option does. */
  value?: string;
  description: string;
}

export interface CommandSpec {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Positional arguments, in order, all required. */
  args: string[];
  options: Record<string, OptionSpec>;
  /** Paragraphs after the options in `bptt help COMMAND`. */
  details?: string[];
}

export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

/** Every command takes --help. */
export const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help' };

/** Parses `argv` (after the command name) against the command's spec; throws a usage error. */
export function parseCommandArgs(spec: CommandSpec, argv: string[]): ParsedArgs {
  const options: Record<string, OptionSpec> = { ...spec.options, help: HELP_OPTION };
  const config = Object.fromEntries(
    Object.entries(options).map(([k, o]) => [k, o.short ? { type: o.type, short: o.short } : { type: o.type }]),
  );
  const { values, positionals, tokens } = parseArgs({ args: argv, options: config, strict: false, allowPositionals: true, tokens: true });
  for (const tok of tokens) {
    if (tok.kind !== 'option') continue;
    const opt = options[tok.name];
    if (!opt) throw usageError(`unknown option '${tok.rawName}'`, spec.name);
    if (opt.type === 'string' && tok.value === undefined) throw usageError(`option '${tok.rawName}' needs a value`, spec.name);
    if (opt.type === 'boolean' && tok.value !== undefined) throw usageError(`option '${tok.rawName}' takes no value`, spec.name);
  }
  if (values.help) return { positionals, values };
  if (positionals.length < spec.args.length) throw usageError(`missing ${spec.args[positionals.length]}`, spec.name);
  if (positionals.length > spec.args.length) throw usageError(`unexpected argument '${positionals[spec.args.length]}'`, spec.name);
  return { positionals, values };
}
