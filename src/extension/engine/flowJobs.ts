/**
 * The gradient-flow views in the engine worker: the flow data of a trace and the Jacobian row of
 * the cursor's t. On a long trace they take seconds, so each runs as a long job (one at a time with
 * the builds, see serial.ts) in slices, and between them the worker serves the messages waiting: a
 * move, a debugger step, a variables request are answered meanwhile. A job stops, answering
 * FLOW_SUPERSEDED, as soon as nobody will show its result: its session replaced or about to be
 * (a rebuild asked), its panel closed, another layer chosen, or (a Jacobian row) a newer row asked.
 */
import type { FlowProgress } from '../../engine';
import type { StepSession } from '../../session/session';
import type { Entry } from './builds';
import type { FromEngine } from './events';
import { FLOW_SUPERSEDED } from './messages';
import type { Serial } from './serial';

/** A flow job's progress is posted at most this often, and not before it has run this long (ms). */
const PROGRESS_MS = 500;

/** Thrown from a flow job's progress when its result would be shown to nobody. */
class FlowSuperseded extends Error {
  constructor() {
    super(FLOW_SUPERSEDED);
  }
}

export type FlowCall = { method: 'flow' } | { method: 'jacobian'; t: number };

export class FlowJobs {
  /** The newest Jacobian row asked per spec: an older one still waiting or running stops. */
  private readonly newestRow = new Map<string, number>();

  constructor(
    private readonly post: (m: FromEngine) => void,
    private readonly serial: Serial,
    /** Between slices: the worker serves the messages waiting. */
    private readonly between: () => void,
    private readonly entryOf: (key: string) => Entry | undefined,
  ) {}

  /** Computes the call's answer in slices, after the long jobs before it; the reply carries id. */
  ask(id: number, key: string, call: FlowCall): void {
    const entry = this.entryOf(key);
    const session = entry?.session;
    if (!entry || !session) return this.fail(id, `no session for ${key}: open the stepper or start debugging it`);
    if (call.method === 'jacobian') this.newestRow.set(key, id);
    const trace = session.trace, layer = session.layer;
    // Nobody will show this answer: the session is replaced or rebuilding, its panel left, its layer changed, a newer row asked.
    const superseded = (): boolean =>
      this.entryOf(key) !== entry || entry.session !== session || session.trace !== trace || entry.pending !== undefined ||
      !entry.watchers.has('panel') || session.layer !== layer || (call.method === 'jacobian' && this.newestRow.get(key) !== id);
    let last = 0;
    const progress: FlowProgress = (phase, done, total) => {
      if (superseded()) throw new FlowSuperseded();
      this.between();
      if (superseded()) throw new FlowSuperseded(); // a message just served made it so
      // The panel says how far the flow data are (a short computation says nothing).
      const now = Date.now();
      if (call.method !== 'flow' || now - last < PROGRESS_MS) return;
      if (last) this.post({ type: 'flowProgress', key, phase, done, total });
      last = now;
    };
    this.serial.run(() => {
      try {
        if (superseded()) throw new FlowSuperseded();
        this.post({ type: 'reply', id, ok: true, value: compute(session, call, progress) });
      } catch (e) {
        this.fail(id, e instanceof Error ? e.message : String(e));
      } finally {
        if (this.newestRow.get(key) === id) this.newestRow.delete(key);
      }
    });
  }

  private fail(id: number, error: string): void {
    this.post({ type: 'reply', id, ok: false, error });
  }
}

function compute(s: StepSession, call: FlowCall, progress: FlowProgress): unknown {
  return call.method === 'flow' ? s.flow(progress) : s.chartJacobian(call.t, progress);
}
