/** The BPTT commands. Each handler is guarded: an exception is reported, never thrown at VS Code. */
import * as vscode from 'vscode';
import type { StepperPanels } from './panels';
import { resolveSpec } from './specFiles';
import { runGradientCheck } from './gradientCheck';
import { newSpecFromExample } from './newSpec';
import { guard } from './output';

export const COMMANDS = {
  openStepper: 'bptt.openStepper',
  gradientCheck: 'bptt.gradientCheck',
  newSpecFromExample: 'bptt.newSpecFromExample',
} as const;

export function registerCommands(context: vscode.ExtensionContext, panels: StepperPanels): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(
      COMMANDS.openStepper,
      guard('Open Stepper', async (uri?: unknown) => {
        const doc = await resolveSpec(uri, 'Open Stepper');
        if (!doc) return undefined;
        const panel = panels.openOrReveal(doc);
        return { file: doc.uri.toString(), cursor: panel.cursor, T: panel.T };
      }),
    ),
    vscode.commands.registerCommand(
      COMMANDS.gradientCheck,
      guard('Gradient Check', async (uri?: unknown) => {
        const doc = await resolveSpec(uri, 'Gradient Check');
        return doc ? runGradientCheck(doc) : undefined;
      }),
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
