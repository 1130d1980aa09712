/**
 * The engine worker's builds: one at a time, the others queued after it; a build runs in slices
 * (between them the worker serves the messages waiting) and stops when the host cancels it or a
 * newer build of its spec supersedes it. A build's end is `built` (the trace for the watchers,
 * packed) or `buildFailed`; a cancel or an error leaves the last good session.
 */
import { runTrace, type Diagnostic, type Problem } from '../../engine';
import { StepSession } from '../../session/session';
import { packSummary } from '../../traceColumns';
import { specErrors, withWeights } from './specLoad';
import type { FromEngine } from './events';
import type { AttachRequest, SpecText, Watcher } from './messages';
import type { Serial } from './serial';

/** Thrown from a build's progress callback when the host has cancelled it. */
export class BuildCancelled extends Error {
  constructor() {
    super('the trace build was cancelled');
  }
}

/** What the worker keeps of a spec. */
export interface Entry {
  spec: SpecText;
  parsed: { problem: Problem | null; diagnostics: Diagnostic[] };
  session: StepSession | null;
  watchers: Set<Watcher>;
  /** A weights file a launch configuration named (replaces the spec's init). */
  weights?: string;
  /** The panel asked for the spec's initial weights although trained ones lie beside it. */
  initial?: boolean;
  /** The trained weights beside the spec as the session's last build read them ("hello.weights.json (epoch 200)"), while they exist. */
  trained?: string;
  /** The newest build asked for, while it waits or runs: an older one stops, a front-end attaching to the same text joins it. */
  pending?: number;
}

/** Posts progress at most this often (ms). */
const PROGRESS_MS = 100;

export type Cursor = NonNullable<AttachRequest['cursor']>;

export class Builds {
  constructor(
    private readonly post: (m: FromEngine, transfer?: ArrayBuffer[]) => void,
    /** Whether the host has cancelled build `id`. */
    private readonly isCancelled: (build: number) => boolean,
    /** Called between a long build's slices: the worker serves the messages waiting (calls, other specs, a gradient check). */
    private readonly between: () => void,
    /** The worker's long jobs, one at a time: builds asked for meanwhile (by messages served between slices) wait their turn. */
    private readonly serial: Serial,
  ) {}

  /** A session's trace for its watchers: the summary's per-step columns packed and transferred. */
  postBuilt(entry: Entry, build: number, s: StepSession, warning?: string): void {
    const { packed, transfer } = packSummary(s.summary());
    const p = s.problem;
    this.post(
      {
        type: 'built', key: entry.spec.key, build, summary: packed, T: s.T, cursor: s.cursor, snapshot: entry.watchers.has('panel') ? s.snapshot() : null, warning,
        // Which weights the trace uses (the panel's switch), and whether the model samples (its Sample form).
        weightsChoice: entry.trained ? { current: entry.initial ? 'initial' : 'trained', trained: entry.trained } : undefined,
        samples: !!p.vocab && p.config.output === 'softmax',
      },
      transfer,
    );
  }

  /** Builds (or rebuilds) the entry's trace; one long job at a time, the others after it. */
  build(entry: Entry, build: number, cursor?: Cursor): void {
    entry.pending = build;
    this.serial.run(() => {
      try {
        this.buildNow(entry, build, cursor);
      } finally {
        if (entry.pending === build) entry.pending = undefined;
      }
    });
  }

  /** A cancel or an error leaves the last good session. */
  private buildNow(entry: Entry, build: number, cursor?: Cursor): void {
    // The text this build traces: a message served between slices may replace entry.spec.
    const spec = entry.spec;
    const key = spec.key;
    const { problem: parsed, diagnostics } = entry.parsed;
    const errors = specErrors(diagnostics);
    if (!parsed || errors.length) {
      this.post({ type: 'buildFailed', key, build, errors: errors.length ? errors : [{ line: 1, column: 1, message: 'the spec could not be loaded' }], cancelled: false });
      return;
    }
    // A short build reports nothing: progress (and the host's notification) only past the first PROGRESS_MS.
    let last = Date.now();
    // Cancelled by the host, or superseded by a newer build of the entry.
    const stopped = (): boolean => this.isCancelled(build) || entry.pending !== build;
    const progress = (phase: 'forward' | 'backward', done: number, total: number): void => {
      if (stopped()) throw new BuildCancelled();
      this.between();
      if (stopped()) throw new BuildCancelled(); // a message just served superseded it
      const now = Date.now();
      if (now - last < PROGRESS_MS) return;
      last = now;
      this.post({ type: 'progress', key, build, phase, done, total });
    };
    try {
      if (stopped()) throw new BuildCancelled();
      const { problem, note, warning, trained } = chooseWeights(entry, parsed, spec);
      const trace = runTrace(problem, undefined, { progress });
      if (entry.watchers.size === 0) throw new BuildCancelled(); // every front-end left while it built: nothing to keep
      entry.trained = trained; // with the trace that used it (postBuilt offers the switch from it)
      const source = { file: key, text: spec.text, format: spec.format, weights: note };
      if (entry.session) entry.session.replace(problem, trace, source);
      else {
        entry.session = new StepSession(problem, trace, source, cursor);
        entry.session.onDidChange((change) => {
          const s = entry.session;
          if (!s || change.kind === 'trace') return; // a new trace is announced by `built`
          this.post({ type: 'changed', key, change, snapshot: entry.watchers.has('panel') ? s.snapshot() : null });
        });
      }
      this.postBuilt(entry, build, entry.session, warning);
    } catch (e) {
      const cancelled = e instanceof BuildCancelled;
      const message = cancelled ? 'the trace build was cancelled; edit or save the spec (or reopen the stepper) to run it again' : `the engine could not run this spec: ${e instanceof Error ? e.message : String(e)}`;
      this.post({ type: 'buildFailed', key, build, errors: [{ line: 1, column: 1, message }], cancelled });
    }
  }
}

/**
 * The parameters the entry's session traces (see withWeights); with the panel's choice of the
 * initial weights, the spec's init. `trained` names the trained weights beside the spec, for the
 * switch. Reads the files and changes nothing: a sample asks it too, between a build's slices.
 */
export function chooseWeights(entry: Pick<Entry, 'spec' | 'weights' | 'initial'>, problem: Problem, spec = entry.spec): { problem: Problem; note?: string; warning?: string; trained?: string } {
  const r = withWeights(spec, entry.weights, problem);
  const trained = !entry.weights && r.problem !== problem && r.note ? r.note.replace(/^weights: /, '') : undefined;
  if (trained && entry.initial) return { problem, note: `weights: spec init (trained: ${trained})`, warning: r.warning, trained };
  return { ...r, trained };
}


