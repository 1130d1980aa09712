/**
 * The webview side of a stepper panel: its options and page, whether it has said `ready` since it
 * was last (re)loaded, and posting to it (nothing is posted before `ready`: the webview asks again
 * with `ready` whenever it loads). Messages from it are checked here before anyone sees them.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { parseWebviewMessage, type HostMessage, type WebviewMessage } from '../protocol';
import { panelHtml } from './panelHtml';
import { Disposable } from './dispose';
import { log, reportError, safeJson } from './output';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false, // the webview keeps its state with setState; the worker keeps the cursor
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export class PanelWebview extends Disposable {
  /** The webview has said `ready` since it was last (re)loaded. */
  ready = false;
  /** The last message of each kind delivered (see StepperPanel.lastSent). */
  private readonly sent = new Map<HostMessage['type'], HostMessage>();

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    onMessage: (m: WebviewMessage) => void,
  ) {
    super();
    panel.webview.options = webviewOptions(extensionUri);
    this.register(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        try {
          const msg = parseWebviewMessage(raw);
          if (msg) onMessage(msg);
          else log(`ignored an invalid message from the stepper webview: ${safeJson(raw)}`);
        } catch (e) {
          reportError('the stepper', e);
        }
      }),
    );
    this.register(panel.onDidChangeViewState(() => !panel.visible && (this.ready = false)));
  }

  /** (Re)loads the page; the webview says `ready` when it has loaded. */
  load(): void {
    this.ready = false;
    const webview = this.panel.webview;
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'panel.css')).toString(),
      title: this.panel.title,
    });
  }

  post(msg: HostMessage): void {
    if (!this.ready || this.isDisposed) return; // the webview asks with `ready` when it (re)loads
    this.panel.webview.postMessage(msg).then(
      (delivered) => (delivered ? this.sent.set(msg.type, msg) : log(`a ${msg.type} message was not delivered`)),
      (e) => reportError('sending to the stepper', e),
    );
  }

  lastSent<K extends HostMessage['type']>(type: K): Extract<HostMessage, { type: K }> | undefined {
    return this.sent.get(type) as Extract<HostMessage, { type: K }> | undefined;
  }
}
