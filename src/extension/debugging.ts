/**
 * The `bptt` debug type in VS Code: the adapter of src/debug runs inline (no process), over the
 * spec's session in the engine worker; F5 on an open spec works without a launch.json.
 */
import * as vscode from 'vscode';
import { BpttDebugSession, type LaunchArgs } from '../debug/adapter';
import type { EngineClient } from './engine/client';
import { openWorkerSession } from './engine/workerSession';
import { activeSpec, isSpecDocument } from './specFiles';

/** The spec F5 means: the active editor's, else the one spec visible beside (the panel may have focus). */
function specToDebug(): vscode.TextDocument | undefined {
  const active = activeSpec();
  if (active) return active;
  const visible = vscode.window.visibleTextEditors.map((e) => e.document).filter(isSpecDocument);
  return visible.length === 1 ? visible[0] : undefined;
}

export const DEBUG_TYPE = 'bptt';

/** The configuration F5 uses on an open spec, and launch.json's first entry. */
export const INITIAL_CONFIGURATION = { type: DEBUG_TYPE, request: 'launch', name: 'Step through BPTT', spec: '${file}', stopOnEntry: true };

class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [INITIAL_CONFIGURATION];
  }

  /** F5 without a launch.json arrives empty (or with only our type): the active spec then. */
  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    if (!config.request && !config.name) {
      const doc = specToDebug();
      if (!doc) {
        void vscode.window.showInformationMessage('BPTT: open a spec (*.rnn.yaml, *.rnn.json) to step through it with F5.');
        return undefined;
      }
      return { ...INITIAL_CONFIGURATION, spec: doc.uri.fsPath };
    }
    if (!config.spec) {
      const doc = specToDebug();
      if (!doc) {
        void vscode.window.showErrorMessage('BPTT: the launch configuration needs "spec" (the path of a spec file).');
        return undefined;
      }
      config.spec = doc.uri.fsPath;
    }
    return config;
  }
}

/** The debug adapter factory, the configuration provider; returned for context.subscriptions. */
export function registerDebugging(engine: EngineClient): vscode.Disposable[] {
  const open = async (args: LaunchArgs) => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(args.spec));
    return openWorkerSession(engine, doc, args.weights || undefined);
  };
  return [
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ConfigurationProvider()),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      createDebugAdapterDescriptor: () => new vscode.DebugAdapterInlineImplementation(new BpttDebugSession(open)),
    }),
  ];
}
