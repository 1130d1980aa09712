/** The panel's page: a strict CSP, one script by nonce, nothing inline, names escaped. */
import { expect, test } from 'vitest';
import { panelHtml } from '../../src/extension/panelHtml';

const html = panelHtml({
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'abc123',
  scriptUri: 'https://x/dist/webview.js',
  styleUri: 'https://x/media/panel.css',
  title: '<img src=x onerror=alert(1)>',
});
const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';

test('CSP: nothing by default, scripts by nonce only, styles and fonts from the webview source', () => {
  expect(csp.split('; ')).toEqual([
    "default-src 'none'",
    "script-src 'nonce-abc123'",
    "style-src https://file+.vscode-resource.vscode-cdn.net 'nonce-abc123'",
    'font-src https://file+.vscode-resource.vscode-cdn.net',
    'img-src https://file+.vscode-resource.vscode-cdn.net data:',
  ]);
  expect(html).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
});

test('one script, with the nonce; no inline handlers or styles; the title escaped', () => {
  expect(html.match(/<script/g)).toHaveLength(1);
  expect(html).toContain('<script nonce="abc123" src="https://x/dist/webview.js"></script>');
  expect(html.replace(/<title>.*<\/title>/, '')).not.toMatch(/\son\w+=|style="/);
  expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
});
