/** The BPTT commands. Each handler is guarded: an exception is reported, never thrown at VS Code. */
import * as vscode from 'vscode';
import type { StepperPanels } from './panels';
import { resolveSpec } from './specFiles';
import { runGradientCheck } from './gradientCheck';
import { newSpecFromExample } from './newSpec';
import { guard } from './output';
import { sampleFromWeights, type Trainings } from './training/training';
import { exportToPytorch, importPytorchWeights } from './pytorch';

export const COMMANDS = {
  openStepper: 'bptt.openStepper',
  gradientCheck: 'bptt.gradientCheck',
  newSpecFromExample: 'bptt.newSpecFromExample',
  train: 'bptt.train',
  resumeTraining: 'bptt.resumeTraining',
  cancelTraining: 'bptt.cancelTraining',
  sample: 'bptt.sample',
  exportPytorch: 'bptt.exportPytorch',
  importPytorchWeights: 'bptt.importPytorchWeights',
} as const;

export function registerCommands(context: vscode.ExtensionContext, panels: StepperPanels, trainings: Trainings): vscode.Disposable[] {
  const num = (v: unknown): number | undefined => (typeof v === 'number' && v > 0 ? v : undefined);
  return [
    vscode.commands.registerCommand(
      COMMANDS.train,
      guard('Train Model', async (uri?: unknown, epochs?: unknown) => {
        const doc = await resolveSpec(uri, 'Train Model');
        return doc ? trainings.train(doc, { epochs: num(epochs) }) : undefined;
      }),
    ),
    vscode.commands.registerCommand(
      COMMANDS.resumeTraining,
      guard('Resume Training', async (uri?: unknown, epochs?: unknown) => {
        const doc = await resolveSpec(uri, 'Resume Training');
        return doc ? trainings.train(doc, { resume: true, epochs: num(epochs) }) : undefined;
      }),
    ),
    vscode.commands.registerCommand(
      COMMANDS.cancelTraining,
      guard('Cancel Training', () => trainings.cancelAll()),
    ),
    vscode.commands.registerCommand(
      COMMANDS.sample,
      guard('Sample', async (uri?: unknown, opts?: { prime?: string; temperature?: number; length?: number }) => {
        const doc = await resolveSpec(uri, 'Sample');
        return doc ? sampleFromWeights(panels.engine, doc, opts) : undefined;
      }),
    ),
    vscode.commands.registerCommand(
      COMMANDS.openStepper,
      guard('Open Stepper', async (uri?: unknown) => {
        const doc = await resolveSpec(uri, 'Open Stepper');
        if (!doc) return undefined;
        const panel = panels.openOrReveal(doc);
        await panel.firstBuild; // the trace (or the spec's errors) from the worker
        return { file: doc.uri.toString(), cursor: panel.cursor, T: panel.T };
      }),
    ),
    vscode.commands.registerCommand(
      COMMANDS.gradientCheck,
      guard('Gradient Check', async (uri?: unknown) => {
        const doc = await resolveSpec(uri, 'Gradient Check');
        return doc ? runGradientCheck(panels.engine, doc) : undefined;
      }),
    ),
    vscode.commands.registerCommand(
      COMMANDS.exportPytorch,
      guard('Export to PyTorch', async (uri?: unknown, out?: unknown) => {
        const doc = await resolveSpec(uri, 'Export to PyTorch');
        return doc ? exportToPytorch(context.extensionUri, doc, typeof out === 'string' ? out : undefined) : undefined;
      }),
    ),
    vscode.commands.registerCommand(
      COMMANDS.importPytorchWeights,
      guard('Import PyTorch Weights', (file?: unknown) => importPytorchWeights(panels.engine, typeof file === 'string' ? file : undefined)),
    ),
    vscode.commands.registerCommand(
      COMMANDS.newSpecFromExample,
      guard('New Spec from Example', async (name?: unknown) => {
        const editor = await newSpecFromExample(context.extensionUri, typeof name === 'string' ? name : undefined);
        return editor?.document.uri.toString();
      }),
    ),
  ];
}
