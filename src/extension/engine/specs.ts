/**
 * The worker's side of the sessions: each spec's last text and parse, its session when a front-end
 * watches it, and the builds. One parse per edit feeds the diagnostics, the panel, the debugger; a
 * build reports progress and stops when the host flags it cancelled (a newer edit, or the user).
 */
import { gradcheck, parseWeights, runTrace, sample, type Diagnostic, type GradcheckResult, type Problem } from '../../engine';
import { answer, applyMove } from '../../session/api';
import { StepSession } from '../../session/session';
import { checkExpression } from '../../session/stops';
import { packSummary } from '../../traceColumns';
import { load, specErrors, withWeights } from './specLoad';
import type { SpecError } from '../../protocol';
import type { AttachRequest, CallResults, FromEngine, SampleRequest, SampleValue, SessionCall, SpecDescription, SpecText, Watcher } from './messages';

/** Thrown from a build's progress callback when the host has cancelled it. */
export class BuildCancelled extends Error {
  constructor() {
    super('the trace build was cancelled');
  }
}

interface Entry {
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


export class Specs {
  private readonly entries = new Map<string, Entry>();

  /** A build is running: builds asked for meanwhile (by messages served between its slices) wait their turn. */
  private building = false;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly post: (m: FromEngine, transfer?: ArrayBuffer[]) => void,
    /** Whether the host has cancelled build `id`. */
    private readonly isCancelled: (build: number) => boolean,
    /** Called between a long build's slices: the worker serves the messages waiting (calls, other specs, a gradient check). */
    private readonly between: () => void = () => undefined,
  ) {}

  /**
   * One parse of the text. Returns its diagnostics, and whether an open session should rebuild
   * from it (the caller answers with the diagnostics first, then calls rebuild).
   */
  parse(spec: SpecText, force = false): { diagnostics: Diagnostic[]; rebuild: boolean } {
    const entry = this.entries.get(spec.key);
    const same = entry && entry.spec.text === spec.text && entry.spec.file === spec.file;
    if (same && !force) return { diagnostics: entry.parsed.diagnostics, rebuild: false };
    // Forced: new weights beside the spec (a training run ended): trace them, not the initial ones.
    if (entry && force) entry.initial = false;
    const parsed = load(spec);
    if (entry) {
      entry.spec = spec;
      entry.parsed = parsed;
      return { diagnostics: parsed.diagnostics, rebuild: entry.watchers.size > 0 };
    }
    this.entries.set(spec.key, { spec, parsed, session: null, watchers: new Set() });
    return { diagnostics: parsed.diagnostics, rebuild: false };
  }

  /** Rebuilds a watched session from its entry's last parse. */
  rebuild(key: string, build: number): void {
    const entry = this.entries.get(key);
    if (entry && entry.watchers.size) this.build(entry, build);
  }

  attach(m: AttachRequest): void {
    let entry = this.entries.get(m.spec.key);
    const changed = !entry || entry.spec.text !== m.spec.text || (m.weights !== undefined && m.weights !== entry.weights);
    if (!entry) {
      entry = { spec: m.spec, parsed: load(m.spec), session: null, watchers: new Set() };
      this.entries.set(m.spec.key, entry);
    } else if (entry.spec.text !== m.spec.text) {
      entry.spec = m.spec;
      entry.parsed = load(m.spec);
    }
    if (m.weights !== undefined) entry.weights = m.weights;
    entry.watchers.add(m.who);
    if (!changed && entry.pending !== undefined) {
      // A build of this very text is under way (the panel's): the new watcher gets its trace, no second build.
      this.post({ type: 'joined', key: m.spec.key, build: m.build, into: entry.pending });
      return;
    }
    if (!entry.session || changed) this.build(entry, m.build, m.cursor);
    else {
      // Already built: tell the new watcher what there is.
      this.postBuilt(entry, m.build, entry.session);
    }
  }

  detach(key: string, who: Watcher): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.watchers.delete(who);
    if (entry.watchers.size === 0) entry.session = null; // its memory goes; the parse stays for diagnostics
  }

  forget(key: string): void {
    const entry = this.entries.get(key);
    if (entry && entry.watchers.size === 0) this.entries.delete(key);
  }

  /** Answers a question to the session of a spec. */
  call(key: string, c: SessionCall): CallResults[SessionCall['method']] {
    const s = this.entries.get(key)?.session;
    if (!s) throw new Error(`no session for ${key}: open the stepper or start debugging it`);
    switch (c.method) {
      case 'info':
        return answer.info(s);
      case 'move': {
        const before = s.position;
        const r = applyMove(s, c.move, c.origin);
        return { ...r, moved: s.position !== before };
      }
      case 'lineOf':
        return s.lineOf(c.t);
      case 'scopes':
        return s.scopes(c.at);
      case 'variables':
        return answer.variables(s, c.at, c.path, c.start, c.count);
      case 'evaluate':
        return answer.evaluate(s, c.at, c.text);
      case 'checkLines':
        return answer.checkLines(s, c.lines);
      case 'checkExpression':
        return checkExpression(c.text);
      case 'snapshot':
        return s.snapshot();
      case 'flow':
        return s.flow();
      case 'jacobian':
        return s.chartJacobian(c.t);
      case 'clip':
        return s.clip(c.threshold);
      case 'layer':
        s.setLayer(c.layer);
        return s.snapshot();
      default: {
        const never: never = c;
        throw new Error(`unknown call ${JSON.stringify(never)}`);
      }
    }
  }

  /** Traces the spec's initial weights (or the trained ones again): a watched session rebuilds. */
  useWeights(key: string, build: number, initial: boolean): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.initial = initial;
    if (entry.watchers.size) this.build(entry, build);
  }

  /**
   * A sample of `length` tokens after `prime` from the weights the spec's session traces once its
   * builds are done: read now, never taken from the session, which can still hold the previous
   * weights while a rebuild (after training, or the panel's switch) waits or runs in slices.
   */
  sample(spec: SpecText, o: Pick<SampleRequest, 'prime' | 'length' | 'temperature' | 'seed'>): SampleValue {
    const entry = this.entries.get(spec.key);
    // Another text than the entry's (an edit not parsed yet): its own parse, no panel's choice.
    const e = entry && entry.spec.text === spec.text ? entry : { spec, parsed: load(spec), weights: undefined, initial: false };
    const first = e.parsed.diagnostics.find((d) => d.severity === 'error');
    if (!e.parsed.problem || first) throw new Error(`the spec has errors${first ? ` (line ${first.line}: ${first.message})` : ''}`);
    const { problem, note } = chooseWeights(e, e.parsed.problem);
    const text = sample(problem, problem.params, { prime: o.prime, length: o.length, temperature: o.temperature, seed: o.seed });
    return { text, weights: note?.replace(/^weights: /, '') ?? "the spec's init" };
  }

  /** The name, epochs and first error of a spec's text (for training), and whether weights fit it. */
  describe(spec: SpecText, weightsText: string | null): SpecDescription {
    const entry = this.entries.get(spec.key);
    const { problem, diagnostics } = entry && entry.spec.text === spec.text ? entry.parsed : load(spec);
    const first = diagnostics.find((d) => d.severity === 'error');
    if (!problem) return { error: first ? `line ${first.line}: ${first.message}` : 'the spec could not be loaded', name: '', epochs: 0, samples: false, weightsError: null };
    let weightsError: string | null = null;
    if (weightsText !== null) {
      try {
        parseWeights(weightsText, problem);
      } catch (e) {
        weightsError = e instanceof Error ? e.message : String(e);
      }
    }
    return { error: null, name: problem.name, epochs: problem.train.epochs, samples: !!problem.vocab && problem.config.output === 'softmax', weightsError };
  }

  /** Gradient check of a spec's text (its own parse: the text may not be open anywhere). */
  gradcheck(spec: SpecText): { name: string; results: GradcheckResult[] | null; errors: SpecError[]; ms: number } {
    const { problem, diagnostics } = load(spec);
    if (!problem) return { name: '', results: null, errors: specErrors(diagnostics), ms: 0 };
    const t0 = Date.now();
    const results = gradcheck(problem);
    return { name: problem.name, results, errors: [], ms: Date.now() - t0 };
  }

  /** A session's trace for its watchers: the summary's per-step columns packed and transferred. */
  private postBuilt(entry: Entry, build: number, s: StepSession, warning?: string): void {
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

  /** Builds (or rebuilds) the entry's trace; one build at a time, the others after it. */
  private build(entry: Entry, build: number, cursor?: Cursor): void {
    entry.pending = build;
    this.run(entry, build, cursor);
  }

  private run(entry: Entry, build: number, cursor?: Cursor): void {
    if (this.building) {
      this.waiting.push(() => this.run(entry, build, cursor));
      return;
    }
    this.building = true;
    try {
      this.buildNow(entry, build, cursor);
    } finally {
      this.building = false;
      if (entry.pending === build) entry.pending = undefined;
    }
    this.waiting.shift()?.();
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

type Cursor = NonNullable<AttachRequest['cursor']>;

/**
 * The parameters the entry's session traces (see withWeights); with the panel's choice of the
 * initial weights, the spec's init. `trained` names the trained weights beside the spec, for the
 * switch. Reads the files and changes nothing: a sample asks it too, between a build's slices.
 */
function chooseWeights(entry: Pick<Entry, 'spec' | 'weights' | 'initial'>, problem: Problem, spec = entry.spec): { problem: Problem; note?: string; warning?: string; trained?: string } {
  const r = withWeights(spec, entry.weights, problem);
  const trained = !entry.weights && r.problem !== problem && r.note ? r.note.replace(/^weights: /, '') : undefined;
  if (trained && entry.initial) return { problem, note: `weights: spec init (trained: ${trained})`, warning: r.warning, trained };
  return { ...r, trained };
}


