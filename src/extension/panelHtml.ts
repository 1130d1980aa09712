/**
 * The stepper panel's HTML: a static shell that webview/main.ts fills in. Pure (no vscode import),
 * so the extension host and the browser test serve the very same page.
 */

export interface PanelHtmlOptions {
  /** `webview.cspSource`: where styles and fonts may come from. */
  cspSource: string;
  /** A fresh random nonce per page load: the only script (and toolkit style) allowed. */
  nonce: string;
  /** dist/webview.js as a webview URI. */
  scriptUri: string;
  /** media/panel.css as a webview URI. */
  styleUri: string;
  title: string;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export function panelHtml({ cspSource, nonce, scriptUri, styleUri, title }: PanelHtmlOptions): string {
  const n = escapeHtml(nonce);
  // No 'unsafe-inline': the toolkit (FAST) creates one <style> element at start-up to test for
  // :focus-visible; it takes its nonce from the csp-nonce meta below, so a style nonce suffices.
  // Everything else the toolkit and the panel style goes through adoptedStyleSheets or the CSSOM,
  // which CSP does not restrict.
  const csp = [
    `default-src 'none'`,
    `script-src 'nonce-${n}'`,
    `style-src ${cspSource} 'nonce-${n}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta property="csp-nonce" content="${n}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(styleUri)}">
<title>${escapeHtml(title)}</title>
</head>
<body>
<div id="app" class="app" data-testid="app" data-state="waiting">
  <p class="waiting" data-testid="waiting">Waiting for the trace…</p>
</div>
<script nonce="${n}" src="${escapeHtml(scriptUri)}"></script>
</body>
</html>
`;
}
