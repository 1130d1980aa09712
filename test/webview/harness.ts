/**
 * The webview alone in a real browser: Debian chromium driven by playwright-core, the panel's own
 * HTML (panelHtml) served at http://webview.test/, acquireVsCodeApi stubbed, and a tiny host in
 * the test process that answers ready/step/jump from a real StepSession (the extension's worker
 * holds the same session).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { sample, type Problem, type Trace } from '../../src/engine';
import { StepSession } from '../../src/session/session';
import { panelHtml } from '../../src/extension/panelHtml';
import { parseWebviewMessage, type HostMessage, type WebviewMessage } from '../../src/protocol';
import { COLLECT, initScript } from './inPage';
import { THEMES, type ThemeName } from './themes';

export const root = join(__dirname, '..', '..');
export const CHROMIUM = process.env.BPTT_CHROMIUM ?? '/usr/bin/chromium';
const ORIGIN = 'http://webview.test';
const SCRIPT_URI = `${ORIGIN}/dist/webview.js`;
const STYLE_URI = `${ORIGIN}/media/panel.css`;

let bundle: Promise<string> | null = null;

/** webview/main.ts bundled as scripts/build.mjs does (browser, iife), in memory: never stale. */
export function webviewBundle(): Promise<string> {
  bundle ??= esbuild
    .build({ absWorkingDir: root, entryPoints: ['webview/main.ts'], bundle: true, platform: 'browser', format: 'iife', target: 'es2022', write: false, logLevel: 'silent' })
    .then((r) => r.outputFiles[0].text);
  return bundle;
}

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: the webview tests need it (Debian: apt-get install chromium), or set BPTT_CHROMIUM.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A test file's browser and screenshot folder (see useBrowser). */
export interface BrowserUse {
  /** The browser, once the file's beforeAll has launched it. */
  readonly browser: Browser;
  /** test/webview/screenshots/ (or a folder in it), created. */
  readonly shots: string;
  /** The panel on a problem, in a page of its own. */
  open(problem: Problem, o?: PanelOptions): Promise<Panel>;
}

/**
 * The browser a test file shares: launched before its tests, closed after them (hooks registered
 * here, so call it at the file's top level), and the folder its screenshots go to.
 */
export function useBrowser(folder = ''): BrowserUse {
  const shots = join(root, 'test', 'webview', 'screenshots', folder);
  mkdirSync(shots, { recursive: true });
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });
  const use: BrowserUse = {
    get browser(): Browser {
      if (!browser) throw new Error('useBrowser: no browser before the file\'s beforeAll has run');
      return browser;
    },
    shots,
    open: (problem, o) => Panel.open(use.browser, problem, o),
  };
  return use;
}

export interface PanelOptions {
  theme?: ThemeName;
  width?: number;
  height?: number;
  /** What acquireVsCodeApi().getState() returns at load (a reload's saved state). */
  state?: unknown;
  /** Do not answer `ready` with the trace (call sendTrace later): a spec that starts out invalid. */
  withholdTrace?: boolean;
}

/** JSON.parse's reviver (as page source) turning postTyped's { __typed, data } back into typed arrays (non-finite entries arrive as text). */
const REVIVE_TYPED = `(_k, v) => (v && typeof v === 'object' && typeof v.__typed === 'string' ? new globalThis[v.__typed](v.data.map((x) => (typeof x === 'string' ? Number(x) : x))) : v)`;

/** A message as text for the page: typed arrays as { __typed, data } (see REVIVE_TYPED), numbers at full precision. */
const typedJson = (msg: unknown): string =>
  JSON.stringify(msg, (_k, v) => (ArrayBuffer.isView(v) ? { __typed: v.constructor.name, data: Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : String(x))) } : v));

/** How long the in-test host lets pass before the flow data and Jacobian rows, as the real one defers them. */
const FLOW_DELAY_MS = 0;

/** A webview page plus the host side of the conversation. */
export class Panel {
  /** Every message the webview posted, in order. */
  readonly received: WebviewMessage[] = [];
  readonly warnings: string[] = [];
  readonly errors: string[] = [];
  readonly session: StepSession;

  private constructor(
    readonly page: Page,
    problem: Problem,
    private withholdTrace = false,
  ) {
    this.session = StepSession.build(problem, { file: `file:///examples/${problem.name}.rnn.yaml`, text: '', format: 'yaml' });
  }

  get problem(): Problem {
    return this.session.problem;
  }

  get trace(): Trace {
    return this.session.trace;
  }

  static async open(browser: Browser, problem: Problem, o: PanelOptions = {}): Promise<Panel> {
    const theme = THEMES[o.theme ?? 'dark'];
    const context = await browser.newContext({ viewport: { width: o.width ?? 1100, height: o.height ?? 900 } });
    const page = await context.newPage();
    const panel = new Panel(page, problem, o.withholdTrace);
    const js = await webviewBundle();
    const css = readFileSync(join(root, 'media', 'panel.css'), 'utf8');
    const html = panelHtml({ cspSource: ORIGIN, nonce: 'dGVzdC1ub25jZQ==', scriptUri: SCRIPT_URI, styleUri: STYLE_URI, title: problem.name });
    await page.route(`${ORIGIN}/**`, (route) => {
      const url = route.request().url();
      if (url === SCRIPT_URI) return route.fulfill({ contentType: 'text/javascript', body: js });
      if (url === STYLE_URI) return route.fulfill({ contentType: 'text/css', body: css });
      if (url === `${ORIGIN}/`) return route.fulfill({ contentType: 'text/html', body: html });
      return route.fulfill({ status: 404, body: 'not found' });
    });
    page.on('console', (m) => {
      if (m.type() === 'warning') panel.warnings.push(m.text());
      if (m.type() === 'error') panel.errors.push(m.text());
    });
    page.on('pageerror', (e) => panel.errors.push(String(e)));
    await page.exposeFunction('__bpttHost', (m: unknown) => panel.onMessage(m));
    await page.addInitScript({ content: initScript(theme.vars, theme.bodyClass, o.state) });
    await page.goto(`${ORIGIN}/`);
    return panel;
  }

  /** The host's side: what StepperPanel.handle does, with the real engine and snapshot code. */
  private onMessage(raw: unknown): void {
    const m = parseWebviewMessage(raw);
    if (!m) throw new Error(`the webview sent an invalid message: ${JSON.stringify(raw)}`);
    this.received.push(m);
    switch (m.type) {
      case 'ready':
        if (!this.withholdTrace) this.background(this.sendTrace());
        return;
      case 'step':
        this.session.step(m.delta, 'panel');
        break;
      case 'jump':
        this.session.jump(m.to, 'panel');
        break;
      case 'clip':
        this.background(this.post({ type: 'clipPreview', clip: this.session.clip(m.threshold) }));
        return;
      case 'cancelBuild':
        return; // the harness builds before the page loads: nothing to cancel
      case 'layer':
        this.session.setLayer(m.layer);
        this.background(this.post({ type: 'snapshot', snapshot: this.session.snapshot() }).then(() => this.post({ type: 'flow', flow: this.session.flow() })).then(() => this.sendJacobian()));
        return;
      case 'useWeights':
      case 'reveal':
        return; // recorded in `received`: the code-server suite checks what the host does with them
      case 'sample': {
        const p = this.session.problem;
        const result = (): HostMessage => {
          try {
            return { type: 'sampleResult', text: sample(p, p.params, { prime: m.prime, length: m.length, temperature: m.temperature, seed: 0 }), weights: "the spec's init" };
          } catch (e) {
            return { type: 'sampleResult', text: null, error: e instanceof Error ? e.message : String(e), weights: "the spec's init" };
          }
        };
        this.background(this.post(result()));
        return;
      }
      default: {
        const never: never = m;
        throw new Error(`unhandled ${JSON.stringify(never)}`);
      }
    }
    this.background(this.post({ type: 'snapshot', snapshot: this.session.snapshot() }).then(() => this.sendJacobian()));
  }

  /** A reply sent without waiting: a page closed meanwhile is no error, anything else is recorded. */
  private background(p: Promise<void>): void {
    p.catch((e) => {
      if (!this.page.isClosed()) this.errors.push(`host: ${e instanceof Error ? e.message : String(e)}`);
    });
  }

  /** The trace message the host sends on `ready` or after a recomputation, then (as StepperPanel does) the flow data and the cursor's Jacobian row. */
  async sendTrace(): Promise<void> {
    await this.post({ type: 'trace', summary: this.session.summary(), snapshot: this.session.snapshot() });
    await new Promise((r) => setTimeout(r, FLOW_DELAY_MS));
    await this.post({ type: 'flow', flow: this.session.flow() });
    await this.sendJacobian();
  }

  /** The Jacobian row of the cursor's t (StepperPanel sends it after each snapshot). */
  sendJacobian(): Promise<void> {
    return this.post({ type: 'jacobian', row: this.session.chartJacobian(this.session.cursor.t) });
  }

  /**
   * Sends a message as VS Code delivers it to a webview: JSON, its typed arrays arriving as typed
   * arrays (a snapshot's vectors and matrices, the packed trace's columns); anything goes.
   */
  post(msg: HostMessage | unknown): Promise<void> {
    return this.page.evaluate(`window.postMessage(JSON.parse(${JSON.stringify(typedJson(msg))}, ${REVIVE_TYPED}), '*')`);
  }

  /**
   * Waits until `expression` (JavaScript, as text) is truthy in the page. Not page.waitForFunction
   * with a string: Playwright evaluates it with `eval` on every poll after the first, which the
   * panel's CSP refuses (script-src has no 'unsafe-eval'), so a condition not already true failed
   * with an EvalError. Each poll here is its own DevTools evaluation, which the CSP exempts.
   */
  async until(expression: string, timeout = 5000): Promise<void> {
    const end = Date.now() + timeout;
    while (!(await this.page.evaluate(expression))) {
      if (Date.now() > end) throw new Error(`until: still false after ${timeout} ms: ${expression}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /**
   * Scrolls the timeline, as a person drags its scrollbar, to step t, and waits until its column is
   * drawn (only the columns in view and a margin are in the page).
   */
  async scrollTimelineTo(t: number): Promise<void> {
    await this.page.evaluate(`(() => {
      const s = document.querySelector('[data-testid="timeline-scroll"]'), T = Number(document.querySelector('[data-testid="timeline"]').dataset.steps);
      s.scrollLeft = ((${t} - 1) / T) * (s.scrollWidth - s.querySelector('.tl-track').offsetLeft);
    })()`);
    await this.until(`document.querySelector('.tl-col[data-t="${t}"]') !== null`);
  }

  /** Waits until the panel shows the cursor (phase, t). */
  async at(phase: 'forward' | 'backward', t: number): Promise<void> {
    await this.page.waitForSelector(`[data-testid="app"][data-phase="${phase}"][data-t="${t}"]`, { timeout: 5000 });
  }

  /** Every element with a data-testid: its text, title, aria-label and data-value; heatmap cells by grid. */
  collect(): Promise<Shown> {
    return this.page.evaluate(COLLECT) as Promise<Shown>;
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }
}

export interface Shown {
  ids: Record<string, { text: string; title: string | null; aria: string | null; value: string | null }>;
  heatmaps: Record<string, { value: string; title: string; aria: string }[]>;
}
