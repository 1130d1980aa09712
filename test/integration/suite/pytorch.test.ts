/// <reference types="mocha" />
/** BPTT: Export to PyTorch and BPTT: Import PyTorch Weights… in a real VS Code. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { folder } from './helpers';

export function definePytorchTests(): void {
suite('PyTorch both ways', () => {
  test('Export to PyTorch writes a script that python3 runs to the loss of the trace', async function () {
    this.timeout(60_000);
    const spec = vscode.Uri.joinPath(folder(), 'hello.rnn.yaml');
    const out = path.join(folder().fsPath, 'hello-export.py');
    fs.rmSync(out, { force: true });
    const written = await vscode.commands.executeCommand<string>('bptt.exportPytorch', spec, out);
    assert.equal(written, out);
    const py = spawnSync('/usr/bin/python3', [out], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    const loss = (JSON.parse(py.stdout) as { loss: number }).loss;
    assert.ok(Number.isFinite(loss) && loss > 0, `loss ${loss}`);
    fs.rmSync(out, { force: true });
  });

  test('Import PyTorch Weights… writes a spec inferred from the file and opens it', async function () {
    this.timeout(30_000);
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'bptt-stepper');
    assert.ok(ext, 'the extension under test');
    const fixture = path.join(ext.extensionPath, 'test', 'fixtures', 'torch', 'lstm_l2_emb.pt');
    const file = path.join(folder().fsPath, 'imported.pt');
    fs.copyFileSync(fixture, file);
    const spec = await vscode.commands.executeCommand<string>('bptt.importPytorchWeights', file);
    assert.ok(spec && spec.endsWith('imported.rnn.yaml'), String(spec));
    const text = fs.readFileSync(spec, 'utf8');
    assert.match(text, /nn\.LSTM\(4, 3, num_layers=2\), nn\.Embedding\(8, 4\), nn\.Linear\(3, 8\)/);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, spec);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    fs.rmSync(spec, { force: true });
    fs.rmSync(file, { force: true });
  });
});
}
