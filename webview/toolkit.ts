/**
 * Every use of @vscode/webview-ui-toolkit lives here (it is deprecated upstream): the rest of the
 * UI asks this module for buttons, dropdowns and badges, so a swap to @vscode-elements touches one file.
 */
import { provideVSCodeDesignSystem, vsCodeButton, vsCodeDivider, vsCodeDropdown, vsCodeOption } from '@vscode/webview-ui-toolkit';

let registered = false;

/** Registers the toolkit's custom elements once. */
export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDropdown(), vsCodeOption(), vsCodeDivider());
}

/** An icon button: `label` names it for screen readers, `title` shows the shortcut. */
export function iconButton(opts: { label: string; title: string; icon: SVGElement; testid: string }): HTMLElement {
  const b = document.createElement('vscode-button');
  b.setAttribute('appearance', 'icon');
  b.setAttribute('aria-label', opts.label);
  b.title = opts.title;
  b.dataset.testid = opts.testid;
  b.append(opts.icon);
  return b;
}

/** A dropdown of labelled values; `onChange` gets the chosen value. */
export function dropdown(opts: {
  label: string;
  title: string;
  testid: string;
  options: { value: string; label: string }[];
  value: string;
  onChange: (value: string) => void;
}): HTMLElement {
  const d = document.createElement('vscode-dropdown') as HTMLElement & { value: string };
  d.setAttribute('aria-label', opts.label);
  d.title = opts.title;
  d.dataset.testid = opts.testid;
  for (const o of opts.options) {
    const opt = document.createElement('vscode-option') as HTMLElement & { value: string };
    opt.setAttribute('value', o.value);
    if (o.value === opts.value) opt.setAttribute('selected', '');
    opt.textContent = o.label;
    d.append(opt);
  }
  d.addEventListener('change', () => opts.onChange(d.value));
  return d;
}

/**
 * A small status badge. Not the toolkit's vscode-badge: its template binds a `style` attribute,
 * which a CSP without 'unsafe-inline' blocks; a span styled from --vscode-badge-* looks the same.
 */
export function badge(text: string, testid?: string): HTMLElement {
  const b = document.createElement('span');
  b.className = 'badge';
  b.textContent = text;
  if (testid) b.dataset.testid = testid;
  return b;
}

export function divider(): HTMLElement {
  const d = document.createElement('vscode-divider');
  d.setAttribute('role', 'presentation');
  return d;
}
