/**
 * The worker's side of the sessions: each spec's last text and parse, its session when a front-end
 * watches it, who watches, and the questions to it. One parse per edit feeds the diagnostics, the
 * panel, the debugger; the builds themselves are in builds.ts.
 */
import { gradcheck, parseWeights, sample, type Diagnostic, type GradcheckResult } from '../../engine';
import { answer, applyMove } from '../../session/api';
import { checkExpression } from '../../session/stops';
import { Builds, chooseWeights, type Entry } from './builds';
import { FlowJobs, type FlowCall } from './flowJobs';
import { Serial } from './serial';
import { load, specErrors } from './specLoad';
import type { SpecError } from '../../protocol';
import type { FromEngine } from './events';
import type { AttachRequest, CallResults, SampleRequest, SampleValue, SessionCall, SpecDescription, SpecText, Watcher } from './messages';

export class Specs {
  private readonly entries = new Map<string, Entry>();
  private readonly builds: Builds;
  private readonly flows: FlowJobs;

  constructor(
    private readonly post: (m: FromEngine, transfer?: ArrayBuffer[]) => void,
    /** Whether the host has cancelled build `id`. */
    isCancelled: (build: number) => boolean,
    /** Called between a long job's slices: the worker serves the messages waiting (calls, other specs, a gradient check). */
    between: () => void = () => undefined,
  ) {
    const serial = new Serial(); // builds and flow views: one long job at a time
    this.builds = new Builds(post, isCancelled, between, serial);
    this.flows = new FlowJobs(post, serial, between, (key) => this.entries.get(key));
  }

  /** The flow data or a Jacobian row of a spec's session, computed in slices as a long job; answered by a reply with id. */
  flowCall(id: number, key: string, call: FlowCall): void {
    this.flows.ask(id, key, call);
  }

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
    if (entry && entry.watchers.size) this.builds.build(entry, build);
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
    if (!entry.session || changed) this.builds.build(entry, m.build, m.cursor);
    else {
      // Already built: tell the new watcher what there is.
      this.builds.postBuilt(entry, m.build, entry.session);
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
    if (entry.watchers.size) this.builds.build(entry, build);
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
}
