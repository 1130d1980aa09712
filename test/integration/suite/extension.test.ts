/// <reference types="mocha" />
/** The extension inside a real VS Code: commands, diagnostics, CodeLens, gradient check, panel, serializer. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { BpttExtensionApi } from '../../../src/extension/extension';
import { EXTENSION_ID, VIEW_TYPE, waitFor, folder } from './helpers';


/** A spec with one error: `rnm` (line 3, column 9) is not a cell. */
const BROKEN = ['name: broken', 'model:', '  cell: rnm', '  hidden: 3', 'data:', '  text: hello', ''].join('\n');

async function writeSpec(name: string, text: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(folder(), name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

async function replaceAll(doc: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
  assert.ok(await vscode.workspace.applyEdit(edit));
}

export function defineExtensionTests(): void {
  let api: BpttExtensionApi;
  let hello: vscode.Uri;

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<BpttExtensionApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    api = await ext.activate();
    hello = vscode.Uri.joinPath(folder(), 'hello.rnn.yaml');
  });

  suiteTeardown(async () => {
    api?.panels.all().forEach((p) => p.dispose());
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suite('commands', () => {
    test('the three BPTT commands are registered', async () => {
      const all = await vscode.commands.getCommands(true);
      for (const c of ['bptt.openStepper', 'bptt.gradientCheck', 'bptt.newSpecFromExample']) assert.ok(all.includes(c), `${c} missing`);
    });

    test('New Spec from Example opens the example as an unsaved spec', async () => {
      const uri = await vscode.commands.executeCommand<string>('bptt.newSpecFromExample', 'hello.rnn.yaml');
      assert.ok(uri, 'no document was opened');
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
      assert.ok(doc);
      assert.equal(doc.uri.scheme, 'untitled');
      assert.match(doc.uri.path, /hello(-\d+)?\.rnn\.yaml$/);
      assert.equal(doc.languageId, 'yaml');
      const example = new TextDecoder().decode(await vscode.workspace.fs.readFile(hello));
      assert.equal(doc.getText(), example);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });
  });

  suite('diagnostics', () => {
    test('a broken spec gets an error at its line and column, cleared when fixed', async () => {
      const uri = await writeSpec('broken.rnn.yaml', BROKEN);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const diags = await waitFor('a diagnostic', () => {
        const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'bptt');
        return d.length > 0 && d;
      });
      const err = diags.find((d) => d.severity === vscode.DiagnosticSeverity.Error);
      assert.ok(err, 'no error among the diagnostics');
      assert.equal(err.range.start.line, 2, `expected line 3, got ${err.range.start.line + 1}: ${err.message}`);
      assert.equal(err.range.start.character, 8, `expected column 9, got ${err.range.start.character + 1}: ${err.message}`);
      assert.match(err.message, /rnm|cell|rnn/);
      // Typing the fix clears it after the debounce, without a save.
      await replaceAll(doc, BROKEN.replace('rnm', 'rnn'));
      await waitFor('the diagnostics to clear', () => vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'bptt').length === 0);
      // Breaking it again while typing brings the error back.
      await replaceAll(doc, BROKEN.replace('hidden: 3', 'hidden: [3'));
      const again = await waitFor('a syntax error', () => {
        const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'bptt');
        return d.length > 0 && d;
      });
      assert.ok(again[0].range.start.line >= 3, `syntax error reported at line ${again[0].range.start.line + 1}`);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    });

    test('a .rnn.json spec is JSON with comments, its errors at their place', async () => {
      const text = ['{', '  // a comment is fine here', '  "name": "json",', '  "model": { "cell": "rnn", "hidden": "three" },', '  "data": { "text": "hello" }', '}', ''].join('\n');
      const uri = await writeSpec('broken.rnn.json', text);
      const doc = await vscode.workspace.openTextDocument(uri);
      assert.equal(doc.languageId, 'jsonc');
      const diags = await waitFor('a diagnostic', () => {
        const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'bptt');
        return d.length > 0 && d;
      });
      assert.equal(diags[0].range.start.line, 3, `expected line 4, got ${diags[0].range.start.line + 1}: ${diags[0].message}`);
      assert.equal(diags[0].range.start.character, text.split('\n')[3].indexOf('"three"'), diags[0].message);
      await vscode.workspace.fs.delete(uri);
    });

    test('data.file outside the workspace folder, or a device, is refused at its place, not read', async () => {
      for (const [file, message] of [
        ['../../../../../../../../etc/passwd', /data\.file: cannot read '.*': lies outside the workspace folders \(it resolves to \/etc\/passwd\)/],
        ['/dev/zero', /data\.file: cannot read '\/dev\/zero': is a character device, not a regular file/],
      ] as const) {
        // One file per case: a rewritten file could still show the previous case's diagnostic.
        const uri = await writeSpec(`named-${file.length}.rnn.yaml`, `model: {cell: rnn, hidden: 2}\ndata:\n  file: ${file}\n  seq: 3\n`);
        const doc = await vscode.workspace.openTextDocument(uri);
        api.diagnostics.update(doc);
        const [d] = await waitFor('a diagnostic', () => {
          const x = vscode.languages.getDiagnostics(uri).filter((y) => y.source === 'bptt');
          return x.length > 0 && x;
        });
        assert.match(d.message, message);
        assert.deepEqual([d.range.start.line, d.range.start.character], [2, 8], d.message);
        await vscode.workspace.fs.delete(uri);
      }
    });

    test('the bundled examples have no diagnostics', async () => {
      const examples = (await vscode.workspace.findFiles('*.rnn.{yaml,yml,json}')).filter((u) => !/\/(broken|live|named(-\d+)?)\.rnn\.(yaml|json)$/.test(u.path));
      assert.ok(examples.length >= 3, `only ${examples.length} examples in the workspace`);
      for (const uri of examples) {
        await api.diagnostics.update(await vscode.workspace.openTextDocument(uri));
        const messages = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'bptt').map((d) => `${d.range.start.line + 1}: ${d.message}`);
        assert.deepEqual(messages, [], uri.path);
      }
    });
  });

  suite('editor assistance for YAML specs (no YAML extension needed)', () => {
    test('completion offers the schema’s keys in model: and the values of model.cell', async () => {
      const uri = await writeSpec('assist.rnn.yaml', ['name: assist', 'model:', '  cell: rnn', '  ', 'data:', '  text: hello', ''].join('\n'));
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const keys = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(3, 2));
      const labels = keys.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      for (const k of ['hidden', 'activation', 'output']) assert.ok(labels.includes(k), `${k} not offered: ${labels.join(', ')}`);
      await replaceAll(doc, ['name: assist', 'model:', '  cell: ', '  hidden: 3', 'data:', '  text: hello', ''].join('\n'));
      const values = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, new vscode.Position(2, 8));
      const v = values.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      for (const k of ['rnn', 'lstm', 'gru']) assert.ok(v.includes(k), `${k} not offered: ${v.join(', ')}`);
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(3, 4));
      const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
      assert.match(text, /size of the hidden state/);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await vscode.workspace.fs.delete(uri);
    });

    test("a misspelt value's 'did you mean' comes with a quick fix that repairs the spec", async () => {
      const uri = await writeSpec('typo.rnn.yaml', BROKEN);
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      const diag = await waitFor('the typo diagnostic', () => vscode.languages.getDiagnostics(uri).find((d) => d.source === 'bptt' && /did you mean 'rnn'/.test(d.message)));
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value);
      const fix = actions.find((a) => a.title === "Change to 'rnn'");
      assert.ok(fix?.edit, `no quick fix among: ${actions.map((a) => a.title).join(', ')}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      assert.equal(doc.lineAt(2).text, '  cell: rnn');
      await waitFor('the diagnostics to clear', () => vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'bptt').length === 0);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await vscode.workspace.fs.delete(uri);
    });
  });

  suite('CodeLens', () => {
    test('a spec has Step Through BPTT and Gradient Check on its first line', async () => {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(hello)); // the provider runs on an open model
      const lenses = await waitFor('CodeLenses', async () => {
        const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', hello, 10);
        return l && l.length > 0 ? l : undefined;
      });
      const ours = lenses.filter((l) => l.command?.command.startsWith('bptt.'));
      assert.deepEqual(ours.map((l) => l.command?.title), ['Step Through BPTT', 'Gradient Check', 'Train']);
      assert.ok(ours.every((l) => l.range.start.line === 0));
      assert.equal(ours[0].command?.command, 'bptt.openStepper');
      assert.equal(String(ours[0].command?.arguments?.[0]), hello.toString());
    });
  });

  suite('gradient check', () => {
    test('reports each parameter with PASS at 1e-6', async () => {
      const report = await vscode.commands.executeCommand<{ passed: boolean; results: { name: string; maxRelError: number }[]; text: string }>('bptt.gradientCheck', hello);
      assert.ok(report, 'no report');
      assert.deepEqual(report.results.map((r) => r.name), ['W_xh', 'W_hh', 'b_h', 'W_hy', 'b_y']);
      for (const r of report.results) assert.ok(r.maxRelError < 1e-6, `${r.name}: ${r.maxRelError}`);
      assert.ok(report.passed);
      assert.match(report.text, /W_hh\s+\S+e-\d+\s+\[\d+,\d+\]\s+PASS/);
      assert.match(report.text, /^PASS: all 5 parameters/m);
    });
  });

  suite('stepper panel', () => {
    teardown(() => api.panels.all().forEach((p) => p.dispose()));

    test('opens beside the editor, titled with the spec name, one per spec', async () => {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(hello));
      const first = await vscode.commands.executeCommand<{ T: number; cursor: { phase: string; t: number } }>('bptt.openStepper');
      assert.deepEqual(first, { file: hello.toString(), T: 4, cursor: { phase: 'forward', t: 1 } });
      const panel = api.panels.get(hello);
      assert.ok(panel);
      assert.equal(panel.panel.title, 'hello');
      assert.equal(panel.panel.viewType, VIEW_TYPE);
      const tab = await waitFor('a webview tab titled hello', () =>
        vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label === 'hello'),
      );
      assert.notEqual(tab.group.viewColumn, vscode.ViewColumn.One, 'the panel should open beside the editor');
      await vscode.commands.executeCommand('bptt.openStepper', hello);
      assert.equal(api.panels.all().length, 1, 'a second panel was opened on the same spec');
    });

    test('moves the cursor on step/jump and ignores invalid messages', async () => {
      await vscode.commands.executeCommand('bptt.openStepper', hello);
      const panel = api.panels.get(hello)!;
      panel.onMessage({ type: 'step', delta: 1 });
      assert.deepEqual(panel.cursor, { phase: 'forward', t: 2 });
      panel.onMessage({ type: 'jump', to: 'end' });
      assert.deepEqual(panel.cursor, { phase: 'backward', t: 1 });
      panel.onMessage({ type: 'step', delta: -2 });
      assert.deepEqual(panel.cursor, { phase: 'backward', t: 3 });
      for (const bad of [null, 'step', { type: 'step', delta: 'x' }, { type: 'jump', to: { phase: 'sideways', t: 1 } }, { type: 'eval', code: '1' }]) panel.onMessage(bad);
      assert.deepEqual(panel.cursor, { phase: 'backward', t: 3 });
    });

    test('sends the gradient flow after the trace, the cursor’s Jacobian row after a move, and answers clip', async () => {
      await vscode.commands.executeCommand('bptt.openStepper', hello);
      const panel = api.panels.get(hello)!;
      // What the host posts, seen by wrapping the webview's postMessage.
      const sent: { type: string; [k: string]: unknown }[] = [];
      const webview = panel.panel.webview;
      const original = webview.postMessage.bind(webview);
      webview.postMessage = (m: unknown) => (sent.push(m as { type: string }), original(m));
      try {
        panel.onMessage({ type: 'ready' });
        await waitFor('a flow message', () => sent.find((m) => m.type === 'flow'));
        const types = sent.map((m) => m.type);
        assert.ok(types.indexOf('trace') < types.indexOf('flow'), `trace before flow: ${types.join(', ')}`);
        const flow = sent.find((m) => m.type === 'flow') as unknown as { flow: { map: { T: number; rows: number[] }; spectral: { name: string }[] } };
        assert.equal(flow.flow.map.T, 4);
        assert.deepEqual(flow.flow.map.rows, [1, 2, 3, 4]);
        assert.deepEqual(flow.flow.spectral.map((s) => s.name), ['W_hh']);
        panel.onMessage({ type: 'jump', to: { phase: 'backward', t: 3 } });
        const row = await waitFor('the Jacobian row at t = 3', () => sent.find((m) => m.type === 'jacobian' && (m.row as { t: number }).t === 3));
        assert.deepEqual((row.row as { ks: number[] }).ks, [1, 2, 3]);
        panel.onMessage({ type: 'clip', threshold: 0.5 });
        const clip = await waitFor('a clip preview', () => sent.find((m) => m.type === 'clipPreview'));
        assert.equal((clip.clip as { threshold: number }).threshold, 0.5);
        const before = sent.length;
        for (const bad of [{ type: 'clip', threshold: 0 }, { type: 'clip', threshold: -1 }, { type: 'clip', threshold: 'x' }]) panel.onMessage(bad);
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(sent.slice(before).filter((m) => m.type === 'clipPreview').length, 0);
      } finally {
        webview.postMessage = original;
      }
    });

    test('re-runs on save, keeps the cursor, keeps the last good trace on errors', async () => {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(hello));
      const uri = await writeSpec('live.rnn.yaml', text.replace('name: hello', 'name: live'));
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('bptt.openStepper', uri);
      const panel = api.panels.get(uri)!;
      assert.equal(panel.T, 4);
      panel.onMessage({ type: 'jump', to: { phase: 'backward', t: 2 } });
      // A longer sequence (T = 6): the cursor stays at backward t = 2.
      await replaceAll(doc, doc.getText().replace('text: hello', 'text: hellolo'));
      assert.ok(await doc.save());
      await waitFor('T = 6', () => panel.T === 6);
      assert.deepEqual(panel.cursor, { phase: 'backward', t: 2 });
      assert.equal(panel.panel.title, 'live');
      // An invalid spec: errors reported, the trace and cursor kept.
      await replaceAll(doc, doc.getText().replace('cell: rnn', 'cell: rnm'));
      assert.ok(await doc.save());
      await waitFor('errors', () => panel.lastErrors.length > 0);
      assert.equal(panel.T, 6);
      assert.deepEqual(panel.cursor, { phase: 'backward', t: 2 });
      // Fixed and shorter (T = 3): the cursor keeps its phase, t clamped to the new end.
      await replaceAll(doc, doc.getText().replace('cell: rnm', 'cell: rnn').replace('text: hellolo', 'text: hell'));
      assert.ok(await doc.save());
      await waitFor('T = 3', () => panel.T === 3);
      assert.equal(panel.lastErrors.length, 0);
      assert.deepEqual(panel.cursor, { phase: 'backward', t: 2 });
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    });
  });

  suite('serializer', () => {
    teardown(() => api.panels.all().forEach((p) => p.dispose()));

    test('is registered for the stepper view type', () => {
      // VS Code allows one serializer per view type and extension host: ours is already there.
      assert.throws(() => vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, { deserializeWebviewPanel: async () => undefined }), /already registered/);
    });

    test('restores a panel on the same spec and cursor', async () => {
      const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'restoring', vscode.ViewColumn.Beside, {});
      await api.serializer.deserializeWebviewPanel(panel, { file: hello.toString(), cursor: { phase: 'backward', t: 3 } });
      const restored = api.panels.get(hello);
      assert.ok(restored, 'no panel for the spec');
      assert.equal(restored.panel, panel);
      assert.equal(panel.title, 'hello');
      assert.deepEqual(restored.cursor, { phase: 'backward', t: 3 });
      assert.equal(panel.webview.options.enableScripts, true);
      assert.deepEqual(panel.webview.options.localResourceRoots?.map((u) => u.path.split('/').pop()), ['dist', 'media']);
    });

    test('closes a panel whose state names no spec', async () => {
      const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'nothing', vscode.ViewColumn.Beside, {});
      let disposed = false;
      panel.onDidDispose(() => (disposed = true));
      await api.serializer.deserializeWebviewPanel(panel, undefined);
      assert.ok(disposed);
      assert.equal(api.panels.all().length, 0);
    });
  });
}
