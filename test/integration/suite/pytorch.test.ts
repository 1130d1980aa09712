/// <reference types="mocha" />
/** BPTT: Export to PyTorch and BPTT: Import PyTorch Weights… in a real VS Code. */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BpttExtensionApi } from '../../../src/extension/extension';
import { EXTENSION_ID, folder, gapMeter, note } from './helpers';

/**
 * A safetensors file of an nn.LSTM(D, H) with an nn.Linear(H, K) head, float32, its values a cheap
 * pattern: at D = 2048, H = 1024 about 48 MiB, most of the import's 64 MiB.
 */
function lstmSafetensors(D: number, H: number, K: number): Buffer {
  const tensors: [string, number[]][] = [
    ['lstm.weight_ih_l0', [4 * H, D]], ['lstm.weight_hh_l0', [4 * H, H]], ['lstm.bias_ih_l0', [4 * H]], ['lstm.bias_hh_l0', [4 * H]], ['fc.weight', [K, H]], ['fc.bias', [K]],
  ];
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, shape] of tensors) {
    const bytes = 4 * shape.reduce((a, b) => a * b, 1);
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = Buffer.from(JSON.stringify(header).padEnd(Math.ceil(JSON.stringify(header).length / 8) * 8)); // the data 8-aligned
  const out = Buffer.alloc(8 + json.length + offset);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  const data = new Float32Array(offset / 4);
  for (let i = 0; i < data.length; i++) data[i] = ((i % 97) - 48) / 1000;
  Buffer.from(data.buffer).copy(out, 8 + json.length);
  return out;
}

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

  test("Import PyTorch Weights… of a 48 MiB file is read in the engine worker: the host's event loop stays free", async function () {
    this.timeout(60_000);
    const file = path.join(folder().fsPath, 'large-lstm.safetensors');
    fs.writeFileSync(file, lstmSafetensors(2048, 1024, 16));
    const meter = gapMeter();
    const t0 = Date.now();
    const spec = await vscode.commands.executeCommand<string>('bptt.importPytorchWeights', file);
    const took = Date.now() - t0;
    const gap = meter.stop();
    note(this, `${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MiB imported in ${took} ms; max event-loop gap ${gap} ms`);
    try {
      assert.ok(spec && spec.endsWith('large-lstm.rnn.yaml'), String(spec));
      assert.match(fs.readFileSync(spec, 'utf8'), /nn\.LSTM\(2048, 1024\), nn\.Linear\(1024, 16\)/);
      assert.ok(gap < 2000, `the event loop was blocked for ${gap} ms`); // a hang guard; the figure is in the note
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      if (spec) fs.rmSync(spec, { force: true });
      fs.rmSync(file, { force: true });
    }
  });

  test("a file the import cannot read is refused with the file and the place (the worker's error reaches the host)", async function () {
    const api = vscode.extensions.getExtension<BpttExtensionApi>(EXTENSION_ID)?.exports;
    assert.ok(api);
    const good = lstmSafetensors(3, 2, 4);
    // The header claims more data than the file holds.
    await assert.rejects(api.engine.importWeights('cut.safetensors', 'cut', new Uint8Array(good.subarray(0, good.length - 8))), (e: Error) => {
      assert.match(e.message, /^cut\.safetensors: .*fc\.bias/);
      return true;
    });
    // A pickle that asks for a global other than a tensor's is refused by name, at its byte.
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'bptt-stepper');
    assert.ok(ext);
    const evil = fs.readFileSync(path.join(ext.extensionPath, 'test', 'fixtures', 'torch', 'hostile', 'os_system.pt'));
    await assert.rejects(api.engine.importWeights('os_system.pt', 'evil', new Uint8Array(evil)), (e: Error) => {
      assert.match(e.message, /^os_system\.pt: data\.pkl byte \d+: refused to load global posix\.system/);
      return true;
    });
  });
});
}
