/**
 * Activation: cheap. Listeners and providers are registered here; specs are loaded only when one
 * is opened, and traces only when a panel asks. Everything is released through context.subscriptions.
 */
import * as vscode from 'vscode';
import { SpecDiagnostics } from './diagnostics';
import { SpecCodeLensProvider } from './codeLens';
import { StepperPanels } from './panels';
import { StepperSerializer } from './serializer';
import { STEPPER_VIEW_TYPE } from './panel';
import { registerCommands } from './commands';
import { SPEC_SELECTOR } from './specFiles';
import { disposeOutput } from './output';
import { Trainings } from './training/training';

/** What activate returns: for the integration tests, not a public API. */
export interface BpttExtensionApi {
  panels: StepperPanels;
  diagnostics: SpecDiagnostics;
  serializer: StepperSerializer;
  trainings: Trainings;
}

export function activate(context: vscode.ExtensionContext): BpttExtensionApi {
  const panels = new StepperPanels(context.extensionUri);
  const diagnostics = new SpecDiagnostics();
  const serializer = new StepperSerializer(panels);
  const trainings = new Trainings(context.extensionUri, panels);
  context.subscriptions.push(
    panels,
    diagnostics,
    trainings,
    vscode.window.registerWebviewPanelSerializer(STEPPER_VIEW_TYPE, serializer),
    vscode.languages.registerCodeLensProvider(SPEC_SELECTOR, new SpecCodeLensProvider()),
    ...registerCommands(context, panels, trainings),
    { dispose: disposeOutput }, // last: the others may still log while they go
  );
  return { panels, diagnostics, serializer, trainings };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
