/** The commands bptt knows, by name. A new command is one entry here and one file beside it. */
import type { CommandSpec, ParsedArgs } from './args';
import type { Io } from './io';
import { benchSpec, runBenchCommand } from './benchCommand';
import { flowSpec, runFlowCommand } from './flowCommand';
import { gradcheckSpec, runGradcheckCommand } from './gradcheckCommand';
import { runTraceCommand, traceSpec } from './traceCommand';
import { runTrainCommand, trainSpec } from './trainCommand';
import { runSampleCommand, sampleSpec } from './sampleCommand';
import { exportSpec, runExportCommand } from './exportCommand';
import { dapSpec, runDapCommand } from './dapCommand';

export interface Command {
  spec: CommandSpec;
  /** Runs the command; returns the exit status. */
  run(args: ParsedArgs, io: Io): number | Promise<number>;
}

export const COMMANDS: Command[] = [
  { spec: traceSpec, run: runTraceCommand },
  { spec: gradcheckSpec, run: runGradcheckCommand },
  { spec: flowSpec, run: runFlowCommand },
  { spec: benchSpec, run: runBenchCommand },
  { spec: trainSpec, run: runTrainCommand },
  { spec: sampleSpec, run: runSampleCommand },
  { spec: exportSpec, run: runExportCommand },
  { spec: dapSpec, run: runDapCommand },
];

export const findCommand = (name: string): Command | undefined => COMMANDS.find((c) => c.spec.name === name);
