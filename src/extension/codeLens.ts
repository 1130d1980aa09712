/** A CodeLens on a spec's first line: Step Through BPTT · Gradient Check · Train. */
import * as vscode from 'vscode';
import { isSpecDocument } from './specFiles';

export class SpecCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!isSpecDocument(doc)) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    return [
      new vscode.CodeLens(top, { title: 'Step Through BPTT', tooltip: 'Open the stepper on this spec', command: 'bptt.openStepper', arguments: [doc.uri] }),
      new vscode.CodeLens(top, { title: 'Gradient Check', tooltip: 'Compare BPTT gradients with finite differences', command: 'bptt.gradientCheck', arguments: [doc.uri] }),
      new vscode.CodeLens(top, { title: 'Train', tooltip: "Train the spec's model in a worker; weights beside the spec", command: 'bptt.train', arguments: [doc.uri] }),
    ];
  }
}
