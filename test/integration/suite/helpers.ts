/// <reference types="mocha" />
/** What the extension-host suites share: the workspace, polling, the event-loop gap meter, hello copies, notes. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { loadSpec } from '../../../src/engine/spec';
import type { BpttExtensionApi } from '../../../src/extension/extension';

export const EXTENSION_ID = 'bptt-stepper.bptt-stepper';
export const VIEW_TYPE = 'bptt.stepper';

/** The workspace folder holding the examples (the suite opens examples/). */
export function workspaceFolder(): vscode.WorkspaceFolder {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'the tests need a workspace folder holding the examples');
  return f;
}

export const folder = (): vscode.Uri => workspaceFolder().uri;

/** Polls probe every 25 ms until it gives something truthy; throws after ms. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Ticks every 10 ms until stopped; the largest gap between ticks is how long the event loop was blocked. The gaps over 150 ms are kept with their time. */
export function gapMeter(): { stop: () => number; long: { at: number; ms: number }[] } {
  const t0 = Date.now();
  let last = t0;
  let max = 0;
  const long: { at: number; ms: number }[] = [];
  const timer = setInterval(() => {
    const now = Date.now();
    if (now - last > 150) long.push({ at: last - t0, ms: now - last });
    max = Math.max(max, now - last);
    last = now;
  }, 10);
  return {
    long,
    stop: () => {
      clearInterval(timer);
      return Math.max(max, Date.now() - last);
    },
  };
}

/** A figure for the log and the test's title (the report shows it beside the test). */
export function note(ctx: Mocha.Context, text: string): void {
  console.log(`      ${text}`);
  if (ctx.test) ctx.test.title += ` [${text}]`;
}

/** A fresh copy of hello under another name, so each test has its own weights file (none yet). */
export function helloCopy(name: string): { spec: vscode.Uri; weights: string; text: string } {
  const text = fs.readFileSync(vscode.Uri.joinPath(folder(), 'hello.rnn.yaml').fsPath, 'utf8').replace(/^name: hello$/m, `name: ${name}`);
  const spec = vscode.Uri.joinPath(folder(), `${name}.rnn.yaml`);
  fs.writeFileSync(spec.fsPath, text);
  const weights = vscode.Uri.joinPath(folder(), `${name}.weights.json`).fsPath;
  fs.rmSync(weights, { force: true });
  return { spec, weights, text };
}

/** The problem a YAML spec's text describes (the test's own independent load). */
export const problemOf = (text: string) => {
  const p = loadSpec(text, { format: 'yaml' }).problem;
  assert.ok(p);
  return p;
};

/**
 * Before a suite closes its editors: waits (at most 10 s) until every visible panel's webview has
 * loaded (said `ready`, so it was sent its settings). code-server serves all webviews from one
 * origin, under one service worker scope; a webview closed while its page still waits for its
 * service worker (VS Code's webview/browser/pre/index.html, "Waiting for controllerchange") leaves
 * the next webviews' pages waiting for ever, so they never say `ready`. Run alone, the training
 * Sample test closed its panel 0.4 s after opening it and the panel Sample test after it then
 * timed out in 12 of 31 runs; with this wait, in none of 14.
 */
export async function settleWebviews(): Promise<void> {
  const api = vscode.extensions.getExtension<BpttExtensionApi>(EXTENSION_ID)?.exports;
  // Only a visible panel has a page (a hidden one's is unloaded until it shows again).
  const shown = (api?.panels.all() ?? []).filter((p) => p.panel.visible);
  await Promise.all(shown.map((p) => waitFor('a webview to load', () => p.lastSent('settings'), 10_000).catch(() => undefined)));
}
