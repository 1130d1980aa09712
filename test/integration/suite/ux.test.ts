/// <reference types="mocha" />
/** The VS Code side of the panel: settings, one panel per spec (or one for all), context keys, the weights switch, Sample in the panel, error links. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { parseWeights, runTrace, sample } from '../../../src/engine';
import type { BpttExtensionApi } from '../../../src/extension/extension';
import type { StepperPanel } from '../../../src/extension/panel';
import type { TrainResult } from '../../../src/extension/training/training';
import { EXTENSION_ID, VIEW_TYPE, waitFor, folder, helloCopy, problemOf } from './helpers';


/** The stepper tabs open in the workbench. */
const stepperTabs = (): vscode.Tab[] => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(VIEW_TYPE));

const config = () => vscode.workspace.getConfiguration('bptt');

export function defineUxTests(): void {
  suite('panel settings and tools', () => {
    let api: BpttExtensionApi;

    suiteSetup(async () => {
      const ext = vscode.extensions.getExtension<BpttExtensionApi>(EXTENSION_ID);
      assert.ok(ext);
      api = await ext.activate();
    });

    teardown(async () => {
      for (const k of ['reusePanel', 'playSpeed', 'heatmap.scale', 'heatmap.logScale']) await config().update(k, undefined, vscode.ConfigurationTarget.Global);
      api.panels.all().forEach((p) => p.dispose());
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    });

    test('Open Stepper twice on one spec keeps one panel; on another spec it opens a second, unless bptt.reusePanel', async function () {
      this.timeout(60_000);
      const a = helloCopy('ux-a').spec;
      const b = helloCopy('ux-b').spec;
      const c = helloCopy('ux-c').spec;
      await vscode.commands.executeCommand('bptt.openStepper', a);
      await vscode.commands.executeCommand('bptt.openStepper', a);
      assert.equal(api.panels.all().length, 1);
      await waitFor('one stepper tab', () => stepperTabs().length === 1);
      await vscode.commands.executeCommand('bptt.openStepper', b);
      assert.equal(api.panels.all().length, 2, 'without the setting another spec gets its own panel');
      await waitFor('two stepper tabs', () => stepperTabs().length === 2);
      await config().update('reusePanel', true, vscode.ConfigurationTarget.Global);
      const opened = await vscode.commands.executeCommand<{ file: string; T: number }>('bptt.openStepper', c);
      assert.equal(opened?.file, c.toString());
      assert.equal(api.panels.all().length, 2, 'with bptt.reusePanel the open panel shows the new spec');
      assert.ok(api.panels.get(c), 'no panel on the third spec');
      assert.equal(api.panels.get(b), undefined, 'the last shown panel (on b) was the one reused');
      assert.ok(api.panels.get(a));
      await waitFor('still two stepper tabs', () => stepperTabs().length === 2);
      // The reused panel traces the new spec: its summary names it, with hello's T.
      const reused = api.panels.get(c) as StepperPanel;
      // Its webview loads anew. (The 10 s are enough again: the debugger suite's T = 60,000 panel no
      // longer leaves the worker in an unsliced gradient-flow call; it stops when that panel goes.)
      await waitFor('the reused panel to say ready and get its trace', () => reused.lastSent('trace')?.summary.name === 'ux-c');
      assert.equal(reused.lastSummary?.T, 4);
    });

    test('the panel follows the settings, live: play speed, heatmap scale and log scale reach the webview', async function () {
      this.timeout(30_000);
      const { spec } = helloCopy('ux-settings');
      await vscode.commands.executeCommand('bptt.openStepper', spec);
      const panel = api.panels.get(spec) as StepperPanel;
      const first = await waitFor('the settings on ready', () => panel.lastSent('settings'));
      assert.deepEqual(first.settings, { playInterval: 500, heatmapScale: 'card', heatmapLog: false });
      await config().update('heatmap.scale', 'shared', vscode.ConfigurationTarget.Global);
      await config().update('heatmap.logScale', true, vscode.ConfigurationTarget.Global);
      await config().update('playSpeed', 10, vscode.ConfigurationTarget.Global);
      const live = await waitFor('the new settings', () => {
        const s = panel.lastSent('settings')?.settings;
        return s && s.playInterval === 100 && s.heatmapScale === 'shared' && s.heatmapLog && s;
      });
      assert.deepEqual(live, { playInterval: 100, heatmapScale: 'shared', heatmapLog: true });
    });

    test('context keys: bptt.training only while a run goes, bptt.resumable only for a spec whose weights carry progress', async function () {
      this.timeout(60_000);
      const { spec, weights } = helloCopy('ux-keys');
      await vscode.window.showTextDocument(spec);
      await api.contextKeys.checkResumable();
      assert.equal(api.contextKeys.values.get('bptt.resumable'), false, 'no weights file yet');
      assert.equal(api.contextKeys.values.get('bptt.training'), false);
      const run = vscode.commands.executeCommand<TrainResult>('bptt.train', spec, 1_000_000);
      await waitFor('bptt.training to be set', () => api.contextKeys.values.get('bptt.training') === true);
      await waitFor('a checkpoint', () => fs.existsSync(weights), 15_000);
      await vscode.commands.executeCommand('bptt.cancelTraining');
      await run;
      await waitFor('bptt.training to clear', () => api.contextKeys.values.get('bptt.training') === false);
      await vscode.window.showTextDocument(spec);
      await api.contextKeys.checkResumable();
      assert.equal(api.contextKeys.values.get('bptt.resumable'), true, 'a checkpoint with progress is resumable');
      // The panel focused (no active text editor): still the spec's answer.
      const p = api.panels.get(spec);
      assert.ok(p, 'training opens the panel');
      p.panel.reveal(p.panel.viewColumn, false);
      await waitFor('the panel focused', () => p.panel.active && !vscode.window.activeTextEditor);
      await api.contextKeys.checkResumable();
      assert.equal(api.contextKeys.values.get('bptt.resumable'), true, 'the panel has focus: the spec last active counts');
      // Weights without progress (from elsewhere) trace, but there is nothing to resume.
      const w = JSON.parse(fs.readFileSync(weights, 'utf8'));
      delete w.progress;
      delete w.optimizer;
      fs.writeFileSync(weights, JSON.stringify(w));
      const cleared = async (what: string) => waitFor(what, async () => (await api.contextKeys.checkResumable(), api.contextKeys.values.get('bptt.resumable') === false), 5000);
      await cleared('bptt.resumable to clear for weights without progress');
      // Another editor (a spec with no weights) clears it too.
      fs.writeFileSync(weights, JSON.stringify({ ...w, progress: {} }));
      await vscode.window.showTextDocument(spec);
      await waitFor('bptt.resumable for progress again', async () => (await api.contextKeys.checkResumable(), api.contextKeys.values.get('bptt.resumable') === true), 5000);
      await vscode.window.showTextDocument(helloCopy('ux-keys-other').spec);
      await cleared('bptt.resumable to clear in another spec');
    });

    test('after training, the panel switches to the initial weights and back: the trace loss is the init loss, then the trained one', async function () {
      this.timeout(60_000);
      const { spec, weights, text } = helloCopy('ux-weights');
      const result = await vscode.commands.executeCommand<TrainResult>('bptt.train', spec, 100);
      assert.ok(result && !result.error);
      const problem = problemOf(text);
      const initLoss = runTrace(problem).loss;
      const trained = parseWeights(fs.readFileSync(weights, 'utf8'), problem);
      const trainedLoss = runTrace({ ...problem, params: trained.params }).loss;
      assert.ok(trainedLoss < initLoss / 2, `training did not lower the loss: ${initLoss} -> ${trainedLoss}`);
      const panel = api.panels.get(spec) as StepperPanel;
      await waitFor('the trained trace', () => panel.lastSummary && Math.abs(panel.lastSummary.loss - trainedLoss) < 1e-12);
      await waitFor('the choice offered', () => panel.lastSent('weightsChoice')?.trained === 'ux-weights.weights.json (epoch 100)');
      assert.equal(panel.weightsChoice.current, 'trained');
      panel.onMessage({ type: 'useWeights', weights: 'initial' });
      await waitFor('the initial trace', () => panel.lastSummary && panel.lastSummary.loss === initLoss);
      assert.equal(panel.weightsChoice.current, 'initial');
      assert.equal(panel.lastSummary?.weights, 'weights: spec init (trained: ux-weights.weights.json (epoch 100))');
      panel.onMessage({ type: 'useWeights', weights: 'trained' });
      await waitFor('the trained trace again', () => panel.lastSummary && Math.abs(panel.lastSummary.loss - trainedLoss) < 1e-12);
      // lastSent records a message once the webview took it (a promise later than the summary): wait for it.
      await waitFor('the choice sent back on trained', () => panel.lastSent('weightsChoice')?.current === 'trained');
    });

    test("Sample in the panel is answered in the panel from the worker: greedy from 'h' after training is 'hello'", async function () {
      this.timeout(60_000);
      const { spec, weights, text } = helloCopy('ux-sample');
      await vscode.commands.executeCommand<TrainResult>('bptt.train', spec, 400);
      const panel = api.panels.get(spec) as StepperPanel;
      await waitFor('the trained trace', () => panel.lastSummary?.weights?.includes('epoch 400'));
      await waitFor('the webview to have its trace', () => panel.lastSent('trace'));
      panel.onMessage({ type: 'sample', prime: 'h', length: 4, temperature: 0 });
      const answer = await waitFor('the sample', () => panel.lastSent('sampleResult'));
      assert.equal(answer.text, 'hello');
      assert.equal(answer.weights, 'ux-sample.weights.json (epoch 400)');
      // With a temperature, the text is what the engine draws from those weights (the seed varies; the vocabulary does not).
      panel.onMessage({ type: 'sample', prime: 'he', length: 30, temperature: 1 });
      const hot = await waitFor('a second sample', () => panel.lastSent('sampleResult') !== answer && panel.lastSent('sampleResult'));
      assert.ok(hot.text && hot.text.length === 32 && hot.text.startsWith('he') && /^[helo]+$/.test(hot.text), JSON.stringify(hot));
      // The initial weights sample what the engine samples from the spec's init.
      const problem = problemOf(text);
      panel.onMessage({ type: 'useWeights', weights: 'initial' });
      await waitFor('the initial trace', () => panel.weightsChoice.current === 'initial' && panel.lastSummary?.weights?.startsWith('weights: spec init'));
      panel.onMessage({ type: 'sample', prime: 'h', length: 6, temperature: 0 });
      const init = await waitFor('the init sample', () => !!panel.lastSent('sampleResult')?.weights.startsWith('spec init') && panel.lastSent('sampleResult'));
      assert.equal(init.text, sample(problem, problem.params, { prime: 'h', length: 6, temperature: 0, seed: 0 }));
      // A prime outside the vocabulary is an answer in the form, not a notification.
      panel.onMessage({ type: 'sample', prime: 'x', length: 3, temperature: 0 });
      const bad = await waitFor('the refusal', () => !!panel.lastSent('sampleResult')?.error && panel.lastSent('sampleResult'));
      assert.equal(bad.text, null);
      assert.match(bad.error ?? '', /the prime's token "x" is not in the vocabulary/);
      assert.ok(fs.existsSync(weights));
    });

    test('an error position in the panel reveals that line and column in the spec editor', async function () {
      this.timeout(30_000);
      const { spec, text } = helloCopy('ux-reveal');
      await vscode.commands.executeCommand('bptt.openStepper', spec);
      const panel = api.panels.get(spec) as StepperPanel;
      fs.writeFileSync(spec.fsPath, text.replace(/cell: rnn/, 'cell: rnm'));
      const doc = await vscode.workspace.openTextDocument(spec);
      await waitFor('the text on disk in the document', () => doc.getText().includes('rnm'));
      await panel.refresh(doc);
      const err = await waitFor('the error in the panel', () => panel.lastSent('errors')?.errors[0]);
      const line = text.split('\n').findIndex((l) => /cell: rnn/.test(l)) + 1;
      assert.deepEqual([err.line, err.column], [line, text.split('\n')[line - 1].indexOf('rnn') + 1]);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor'); // wherever the editor was, it comes back
      panel.onMessage({ type: 'reveal', line: err.line, column: err.column });
      const editor = await waitFor('the spec editor', () => vscode.window.activeTextEditor?.document.uri.toString() === spec.toString() && vscode.window.activeTextEditor);
      await waitFor('the cursor at the error', () => editor.selection.active.line === err.line - 1 && editor.selection.active.character === err.column - 1);
    });
  });
}
