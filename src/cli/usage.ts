/** Help texts, generated from the command specs so they cannot drift from what is parsed. */
import type { CommandSpec } from './args';
import { HELP_OPTION } from './args';

const optionLabel = (name: string, o: CommandSpec['options'][string]): string =>
  `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;

/** Two columns: labels padded to the longest. */
function columns(rows: [string, string][]): string[] {
  const w = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `  ${a.padEnd(w)}  ${b}`);
}

/** `bptt --help`: what the tool is, its commands, the global options. */
export function globalUsage(commands: CommandSpec[]): string {
  return [
    'bptt: backpropagation through time, step by step, from a model spec (.rnn.yaml / .rnn.json)',
    '',
    'Usage: bptt COMMAND [options]',
    '',
    'Commands:',
    ...columns([...commands.map((c): [string, string] => [`${c.name} ${c.args.join(' ')}`, c.summary]), ['help COMMAND', 'show the help of a command']]),
    '',
    'Options:',
    ...columns([
      ['-h, --help', 'show this help'],
      ['-v, --version', 'print the version'],
    ]),
    '',
    'Exit status: 0 ok, 1 check failed, 2 bad usage or spec, 70 internal error.',
  ].join('\n');
}

/** `bptt help COMMAND` and `bptt COMMAND --help`; without `details` (after a usage error) shorter. */
export function commandUsage(c: CommandSpec, details = true): string {
  const options = { ...c.options, help: HELP_OPTION };
  return [
    `Usage: bptt ${[c.name, ...c.args].join(' ')} [options]`,
    '',
    c.summary,
    '',
    'Options:',
    ...columns(Object.entries(options).map(([name, o]) => [optionLabel(name, o), o.description])),
    ...(details && c.details?.length ? ['', ...c.details] : []),
  ].join('\n');
}
