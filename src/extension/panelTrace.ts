/**
 * What a panel knows of its spec's session in the engine worker, as the worker last said: the
 * trace's summary (packed, as it goes on to the webview), the errors shown beside it, which weights
 * it uses, and a mirror of the cursor so the panel's own moves apply at once.
 */
import { Stepper, type Cursor } from '../session/cursor';
import type { PackedTraceSummary, SpecError, WeightsChoiceMessage } from '../protocol';
import type { Built } from './engine/events';

export class PanelTrace {
  /** The cursor as the worker last said (moves by this panel applied at once). */
  mirror: Stepper | null = null;
  summary: PackedTraceSummary | null = null;
  errors: SpecError[] = [];
  /** Which weights the trace uses, as the worker last said (sent with each trace). */
  weights: WeightsChoiceMessage = { type: 'weightsChoice', current: 'trained', trained: null, samples: false };

  /** `pending`: the cursor a restored panel waits to show until its first trace. */
  constructor(private pending?: Cursor) {}

  /** The cursor now, or the one waiting for a valid trace. */
  get cursor(): Cursor | undefined {
    return this.mirror?.cursor ?? this.pending;
  }

  /** A new trace; answers whether errors were shown (they are cleared now). */
  built(m: Built): boolean {
    const hadErrors = this.errors.length > 0;
    this.errors = [];
    this.summary = m.summary;
    if (!this.mirror) this.mirror = new Stepper(m.T);
    else this.mirror.retarget(m.T);
    this.mirror.jump(m.cursor);
    this.pending = undefined;
    this.weights = { type: 'weightsChoice', current: m.weightsChoice?.current ?? 'trained', trained: m.weightsChoice?.trained ?? null, samples: m.samples === true };
    return hadErrors;
  }
}
