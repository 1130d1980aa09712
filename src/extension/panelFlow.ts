/**
 * The gradient-flow views a panel sends after each trace and move: the flow data (per trace, or
 * per layer of a stack) and the cursor's Jacobian row, both computed in the engine worker; the row
 * only where the cursor rests, so a held arrow key or fast play does not queue work.
 */
import type * as vscode from 'vscode';
import type { HostMessage } from '../protocol';
import type { EngineClient } from './engine/client';
import { log } from './output';

/** The Jacobian row waits this long after a move. */
const JACOBIAN_DELAY_MS = 60;

export class FlowRelay implements vscode.Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly engine: EngineClient,
    private readonly key: string,
    private readonly post: (m: HostMessage) => void,
    /** The cursor's t now, undefined before a trace; and whether the webview listens. */
    private readonly cursorT: () => number | undefined,
    private readonly listening: () => boolean,
  ) {}

  /** The gradient-flow data (of the session's layer); a failure is said in the flow section. */
  sendFlow(): void {
    void this.engine.call(this.key, { method: 'flow' }).then(
      (flow) => this.post({ type: 'flow', flow }),
      (e: unknown) => {
        log(`the gradient flow of ${this.key} failed: ${e instanceof Error ? e.message : String(e)}`);
        this.post({ type: 'flow', flow: null, error: e instanceof Error ? e.message : String(e) });
      },
    );
  }

  /** The Jacobian row of the cursor's t, after the snapshot; skipped if the cursor has moved on. */
  scheduleJacobian(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const t = this.cursorT();
      if (t === undefined || !this.listening()) return;
      this.engine.call(this.key, { method: 'jacobian', t }).then(
        (row) => this.listening() && this.post({ type: 'jacobian', row }),
        (e: unknown) => log(`the stepper of ${this.key}: ${e instanceof Error ? e.message : String(e)}`),
      );
    }, JACOBIAN_DELAY_MS);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
