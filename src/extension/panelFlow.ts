/**
 * The gradient-flow views a panel sends after each trace and move: the flow data (per trace, or
 * per layer of a stack) and the cursor's Jacobian row, both computed in the engine worker; the row
 * only where the cursor rests, so a held arrow key or fast play does not queue work.
 */
import type * as vscode from 'vscode';
import type { HostMessage } from '../protocol';
import type { EngineClient } from './engine/client';
import { FLOW_SUPERSEDED } from './engine/messages';
import type { FlowProgressEvent } from './engine/events';
import { flowProgressText } from '../session/flowView';
import { log } from './output';

/** The Jacobian row waits this long after a move. */
const JACOBIAN_DELAY_MS = 60;

export class FlowRelay implements vscode.Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Counts flow requests: only the newest one's answer is shown (an older one is of a trace or layer gone). */
  private asked = 0;
  /** Whether the newest request's answer (the flow or its failure) reached the webview. */
  private answered = false;

  constructor(
    private readonly engine: EngineClient,
    private readonly key: string,
    private readonly post: (m: HostMessage) => void,
    /** The cursor's t now, undefined before a trace; and whether the webview listens. */
    private readonly cursorT: () => number | undefined,
    private readonly listening: () => boolean,
  ) {}

  /**
   * The gradient-flow data (of the session's layer) for the trace just sent; a failure is said in the
   * flow section. An answer to an older request is dropped, as is the worker's "superseded" (it stopped
   * because a newer trace, layer or request made it useless): the webview never gets a stale flow.
   */
  sendFlow(): void {
    const asked = ++this.asked;
    this.answered = false;
    const current = (): boolean => asked === this.asked && this.listening();
    void this.engine.call(this.key, { method: 'flow' }).then(
      (flow) => {
        if (!current()) return;
        this.answered = true;
        this.post({ type: 'flow', flow });
      },
      (e: unknown) => {
        const message = e instanceof Error ? e.message : String(e);
        if (message === FLOW_SUPERSEDED || !current()) return;
        this.answered = true;
        log(`the gradient flow of ${this.key} failed: ${message}`);
        this.post({ type: 'flow', flow: null, error: message });
      },
    );
  }

  /** The worker says how far the flow data are: shown while the newest request is unanswered. */
  progress(m: FlowProgressEvent): void {
    if (this.asked === 0 || this.answered || !this.listening()) return;
    this.post({ type: 'flowProgress', text: flowProgressText(m.phase, m.done, m.total) });
  }

  /**
   * A build ended without a new trace (cancelled or failed): the worker stopped the shown trace's
   * flow for it, so ask again if it never arrived (and the cursor's row).
   */
  resume(): void {
    if (this.asked === 0 || !this.listening()) return;
    if (!this.answered) this.sendFlow();
    this.scheduleJacobian();
  }

  /** The Jacobian row of the cursor's t, after the snapshot; skipped if the cursor has moved on. */
  scheduleJacobian(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const t = this.cursorT();
      if (t === undefined || !this.listening()) return;
      this.engine.call(this.key, { method: 'jacobian', t }).then(
        (row) => this.listening() && this.post({ type: 'jacobian', row }),
        (e: unknown) => {
          const message = e instanceof Error ? e.message : String(e);
          if (message !== FLOW_SUPERSEDED) log(`the stepper of ${this.key}: ${message}`);
        },
      );
    }, JACOBIAN_DELAY_MS);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
