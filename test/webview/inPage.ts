/**
 * Code that runs inside the page, as source text: the test project type-checks without DOM
 * types (tsconfig.json), so what touches `window` and `document` lives here as plain JavaScript.
 */

/**
 * The VS Code side of a webview, before any page script: `acquireVsCodeApi` (posting to the test's
 * host binding, keeping state), the theme's variables on <html> and its class on <body>, and a log
 * of CSP violations. Placeholders: __VARS__, __BODY_CLASS__, __STATE__ (JSON).
 */
const INIT = `(() => {
  const vars = __VARS__, bodyClass = __BODY_CLASS__;
  let saved = __STATE__;
  const violations = [];
  window.__cspViolations = violations;
  document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber + ' ' + (e.target && e.target.nodeName)));
  const theme = () => {
    for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
    if (document.body) document.body.classList.add(bodyClass);
  };
  document.addEventListener('DOMContentLoaded', theme);
  window.acquireVsCodeApi = () => {
    theme();
    return {
      postMessage: (m) => window.__bpttHost(JSON.parse(JSON.stringify(m))),
      getState: () => saved,
      setState: (s) => { saved = s; window.__bpttState = s; },
    };
  };
})();`;

export function initScript(vars: Record<string, string>, bodyClass: string, state: unknown): string {
  return INIT.replace('__VARS__', JSON.stringify(vars)).replace('__BODY_CLASS__', JSON.stringify(bodyClass)).replace('__STATE__', JSON.stringify(state ?? null));
}

/** Every element with a data-testid (text, title, aria-label, data-value), and each heatmap's cells. */
export const COLLECT = `(() => {
  const ids = {};
  for (const e of document.querySelectorAll('[data-testid]')) {
    ids[e.dataset.testid] = { text: (e.textContent || '').trim(), title: e.getAttribute('title'), aria: e.getAttribute('aria-label'), value: e.getAttribute('data-value') };
  }
  const heatmaps = {};
  for (const h of document.querySelectorAll('.heatmap[data-testid]')) {
    heatmaps[h.dataset.testid] = Array.from(h.querySelectorAll('.hm-cell')).map((c) => ({ value: c.dataset.value || '', title: c.title, aria: c.getAttribute('aria-label') || '' }));
  }
  return { ids, heatmaps };
})()`;

/** Computed colours of text against the background it sits on, for a few representative elements. */
export const COLOURS = `(() => {
  const bgOf = (e) => {
    for (let n = e; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor;
      if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
    }
    return getComputedStyle(document.documentElement).backgroundColor;
  };
  const pick = (sel) => {
    const e = document.querySelector(sel);
    return e ? { sel, fg: getComputedStyle(e).color, bg: bgOf(e) } : { sel, fg: null, bg: null };
  };
  const named = ['body', '.title', '.region-title', '.sub-title', '.desc', '.loss-value', '.eq-num', '.eq-sym', '.tl-in', '.tl-target', '.dist-label', '.badge', '.errors'].map(pick);
  // Every tinted value cell: the strongest tint must still leave its number legible.
  const cells = Array.from(document.querySelectorAll('.cell')).map((e, i) => ({ sel: '.cell#' + i + ' ' + e.dataset.testid, fg: getComputedStyle(e).color, bg: bgOf(e) }));
  return named.concat(cells);
})()`;

/** Whether the page scrolls sideways (it should not: wide things scroll inside themselves). */
export const OVERFLOW = `document.documentElement.scrollWidth - document.documentElement.clientWidth`;
