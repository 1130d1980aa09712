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
import { EngineClient } from './engine/client';
import { registerDebugging } from './debugging';
import { registerYamlAssist } from './yamlAssist';
import { ContextKeys } from './contextKeys';

/** What activate returns: for the integration tests, not a public API. */
export interface BpttExtensionApi {
  panels: StepperPanels;
  diagnostics: SpecDiagnostics;
  serializer: StepperSerializer;
  trainings: Trainings;
  engine: EngineClient;
  contextKeys: ContextKeys;
}

export function activate(context: vscode.ExtensionContext): BpttExtensionApi {
  // One worker holds every session and runs training; it starts on first use.
  const engine = new EngineClient(context.extensionUri);
  const panels = new StepperPanels(context.extensionUri, engine);
  const diagnostics = new SpecDiagnostics(engine);
  const serializer = new StepperSerializer(panels);
  const trainings = new Trainings(engine, panels);
  const contextKeys = new ContextKeys(() => trainings.isRunning(), trainings.onDidChangeRunning);
  context.subscriptions.push(
    engine,
    panels,
    diagnostics,
    trainings,
    contextKeys,
    vscode.window.registerWebviewPanelSerializer(STEPPER_VIEW_TYPE, serializer),
    vscode.languages.registerCodeLensProvider(SPEC_SELECTOR, new SpecCodeLensProvider()),
    ...registerCommands(context, panels, trainings),
    ...registerDebugging(engine),
    ...registerYamlAssist(context.extensionUri),
    { dispose: disposeOutput }, // last: the others may still log while they go
  );
  return { panels, diagnostics, serializer, trainings, engine, contextKeys };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
