/**
 * `bptt dap` as a process, driven over stdio by a DAP client: launch, the frame names, stepping
 * past either end, scopes and lazily paged variables checked against the engine and the PyTorch
 * golden fixtures, evaluate (good and bad expressions), breakpoints of every kind, goto.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runTrace, type Trace } from '../../src/engine';
import { loadSpec } from '../../src/engine/spec';
import { DapClient } from './helpers/dapClient';
import { CLI, entries, frame, launch, ROOT, scope, track } from './helpers/dapSession';


type Nested = number | Nested[];
interface Golden {
  spec: Record<string, unknown>;
  expected: { forward: { h: number[] }[]; backward: { dh: number[] }[]; grads: Record<string, Nested> };
}

const golden = (name: string): Golden => JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'golden', `${name}.json`), 'utf8')) as Golden;
const flat = (v: Nested): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bptt-dap-'));
});

/** Writes a spec (JSON text, one data vector per line) and its engine trace. */
function specFile(name: string, spec: Record<string, unknown>): { path: string; trace: Trace; text: string } {
  const data = spec.data as Record<string, unknown>;
  // One input (and target) per line, so each step's data has a line of its own.
  const rows = (k: string): string => `[\n${(data[k] as unknown[]).map((v) => `      ${JSON.stringify(v)}`).join(',\n')}\n    ]`;
  const rest = { ...spec, data: undefined };
  let text = JSON.stringify(rest, null, 2);
  if (Array.isArray(data.inputs)) {
    const dataText = `"data": {\n    "inputs": ${rows('inputs')}${data.targets ? `,\n    "targets": ${rows('targets')}` : ''}\n  }`;
    text = text.replace(/\n}$/, `,\n  ${dataText}\n}`);
  } else text = JSON.stringify(spec, null, 2);
  const path = join(dir, `${name}.rnn.json`);
  writeFileSync(path, text);
  const { problem, diagnostics } = loadSpec(text, { format: 'json' });
  if (!problem) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return { path, trace: runTrace(problem), text };
}

const str = (a: ArrayLike<number>): string[] => Array.from(a, String);

describe('bptt dap', () => {
  it('stops on entry at forward t=1, steps, and stops at either end', async () => {
    const g = golden('rnn-tanh-softmax-ce');
    const { path, trace } = specFile('steps', g.spec);
    const { c, first: entry } = await launch(path);
    expect(entry.body.reason).toBe('entry');
    expect((await c.ok('threads')).threads).toEqual([{ id: 1, name: expect.any(String) }]);
    const f = await frame(c);
    expect(f.name).toBe('forward t=1');
    expect(f.source.path).toBe(path);
    const text = readFileSync(path, 'utf8').split('\n');
    expect(text[f.line - 1].trim()).toBe(`${JSON.stringify((g.spec.data as { inputs: unknown[] }).inputs[0])},`);

    // Step Back at the start stays at forward t=1 and still says stopped.
    expect((await c.stop('stepBack', { threadId: 1 })).body.reason).toBe('step');
    expect((await frame(c)).name).toBe('forward t=1');
    await c.stop('next', { threadId: 1 });
    expect((await frame(c)).name).toBe('forward t=2');
    await c.stop('stepIn', { threadId: 1 });
    expect((await frame(c)).name).toBe('forward t=3');
    await c.stop('stepBack', { threadId: 1 });
    expect((await frame(c)).name).toBe('forward t=2');

    const T = trace.T;
    await c.stop('continue', { threadId: 1 });
    expect((await frame(c)).name).toBe('backward t=1');
    await c.stop('next', { threadId: 1 });
    expect((await frame(c)).name).toBe('backward t=1');
    await c.stop('stepBack', { threadId: 1 });
    expect((await frame(c)).name).toBe('backward t=2');
    await c.stop('reverseContinue', { threadId: 1 });
    expect((await frame(c)).name).toBe('forward t=1');
    // Step Out: forward -> the backward pass's first place.
    await c.stop('stepOut', { threadId: 1 });
    expect((await frame(c)).name).toBe(`backward t=${T}`);
  });

  it('shows the step, the gradients and the parameters at full precision, equal to the engine and PyTorch', async () => {
    const g = golden('lstm-plain-ce');
    const { path, trace } = specFile('values', g.spec);
    const { c } = await launch(path);
    await c.stop('next', { threadId: 1 });
    const step = await scope(c, 'Step');
    expect(Object.keys(step)).toEqual(['x', 'h_prev', 'c_prev', 'i', 'f', 'g', 'o', 'c', 'h', 'y', 'p', 'loss']);
    const H = trace.forward(2).h.length;
    expect(step.h.indexedVariables).toBe(H);
    const h = await entries(c, step.h.variablesReference);
    expect(h).toEqual(str(trace.forward(2).h));
    h.forEach((v, i) => expect(Math.abs(Number(v) - g.expected.forward[1].h[i])).toBeLessThan(1e-10));
    expect(step.h_prev.value).toBe(`[${str(trace.forward(1).h).join(', ')}]`);
    expect(step.loss.value).toBe(String(trace.forward(2).loss));
    // Paging: two entries from the second.
    expect(await entries(c, step.h.variablesReference, 1, 2)).toEqual(str(trace.forward(2).h).slice(1, 3));
    expect(await scope(c, 'Gradients')).toEqual({});

    await c.stop('continue', { threadId: 1 });
    const grads = await scope(c, 'Gradients');
    expect(Object.keys(grads)).toEqual(['dh', 'dh_from_output', 'dh_from_future', 'dc', 'da_i', 'da_f', 'da_g', 'da_o']);
    const dh = await entries(c, grads.dh.variablesReference);
    expect(dh).toEqual(str(trace.backward(1).dh));
    dh.forEach((v, i) => expect(Math.abs(Number(v) - g.expected.backward[0].dh[i])).toBeLessThan(1e-10));

    const params = await scope(c, 'Parameters');
    expect(Object.keys(params)).toEqual(Object.keys(trace.grads));
    const { variables: parts } = await c.ok('variables', { variablesReference: params.W_hi.variablesReference });
    expect(parts.map((p: { name: string }) => p.name)).toEqual(['value', 'grad_at', 'grad']);
    const grad = parts[2];
    expect(grad.evaluateName).toBe('grad(W_hi)');
    expect(grad.indexedVariables).toBe(H);
    const { variables: rows } = await c.ok('variables', { variablesReference: grad.variablesReference, filter: 'indexed', start: 1, count: 1 });
    expect(rows.map((r: { name: string }) => r.name)).toEqual(['[1]']);
    const row1 = await entries(c, rows[0].variablesReference);
    const cols = trace.grads.W_hi.shape[1];
    expect(row1).toEqual(str(trace.grads.W_hi.data.subarray(cols, 2 * cols)));
    const want = flat(g.expected.grads.W_hi).slice(cols, 2 * cols);
    row1.forEach((v, j) => expect(Math.abs(Number(v) - want[j])).toBeLessThan(1e-10));
  });

  it('evaluates expressions for watch, repl and hover, and names the column of a bad one', async () => {
    const g = golden('rnn-tanh-softmax-ce');
    const { path, trace } = specFile('evaluate', g.spec);
    const { c } = await launch(path);
    await c.stop('next', { threadId: 1 });
    const h2 = trace.forward(2).h;
    const ev = (expression: string, context = 'watch') => c.request('evaluate', { expression, frameId: 1, context });
    expect((await ev('t')).body.result).toBe('2');
    expect((await ev('phase')).body.result).toBe('"forward"');
    expect((await ev('h[1]')).body.result).toBe(String(h2[1]));
    expect(Number((await ev('norm(h)')).body.result)).toBeCloseTo(Math.hypot(...h2), 14);
    const mv = await ev('W_hh @ h_prev', 'repl');
    expect(mv.body.indexedVariables).toBe(h2.length);
    const W = trace.params.W_hh, hp = trace.forward(1).h, H = hp.length;
    const product = Array.from({ length: H }, (_, i) => {
      let s = 0;
      for (let j = 0; j < H; j++) s += W.data[i * H + j] * hp[j];
      return s;
    });
    (await entries(c, mv.body.variablesReference)).forEach((v, i) => expect(Number(v)).toBeCloseTo(product[i], 14));
    expect((await ev('W_hh', 'hover')).body.result).toBe(`${H}×${H} matrix`);

    const bad = await ev('h[', 'repl');
    expect(bad.success).toBe(false);
    expect(bad.message).toMatch(/^column 3: /);
    const unknown = await ev('nope + 1');
    expect(unknown.success).toBe(false);
    expect(unknown.message).toMatch(/column 1: .*nope/);
    const early = await ev('norm(dh)');
    expect(early.success).toBe(false);
    expect(early.message).toMatch(/backward phase/);

    await c.stop('continue', { threadId: 1 });
    expect(Number((await ev('norm(dh)')).body.result)).toBeCloseTo(Math.hypot(...trace.backward(1).dh), 14);
    expect((await ev('grad(W_hh)[0][1]')).body.result).toBe(String(trace.grads.W_hh.data[1]));
    expect(Math.abs(Number((await ev('grad(W_hh)[0][1]')).body.result) - flat(g.expected.grads.W_hh)[1])).toBeLessThan(1e-10);
    expect((await ev('grad_at(b_h)[0]')).body.result).toBe(String(trace.contribution(1).b_h.data[0]));
  });

  it('stops at expression breakpoints with conditions; an expression that does not parse is unverified with the reason', async () => {
    const g = golden('rnn-tanh-softmax-ce');
    const { path, trace } = specFile('fnbp', g.spec);
    let set: { breakpoints: { verified: boolean; message?: string }[] } | undefined;
    const { c } = await launch(path, {}, async (c) => {
      set = await c.ok('setFunctionBreakpoints', { breakpoints: [{ name: 't == 3' }, { name: 'h[' }, { name: 'phase == "backward"', condition: 't == 2' }] });
    });
    expect(set?.breakpoints.map((b) => b.verified)).toEqual([true, false, true]);
    expect(set?.breakpoints[1].message).toMatch(/column 3/);
    const hit = await c.stop('continue', { threadId: 1 });
    expect(hit.body.reason).toBe('function breakpoint');
    expect((await frame(c)).name).toBe('forward t=3');
    await c.stop('continue', { threadId: 1 });
    expect((await frame(c)).name).toBe('backward t=3');
    await c.stop('continue', { threadId: 1 });
    expect((await frame(c)).name).toBe('backward t=2');
    const end = await c.stop('continue', { threadId: 1 });
    expect(end.body.reason).toBe('step');
    expect((await frame(c)).name).toBe('backward t=1');
    await c.stop('reverseContinue', { threadId: 1 });
    expect((await frame(c)).name).toBe('backward t=2');
    // A loss breakpoint: the first forward step whose L_t is above the median.
    const losses = trace.stepLosses().map((l) => l ?? 0);
    const median = [...losses].sort((a, b) => a - b)[Math.floor(losses.length / 2)];
    await c.ok('setFunctionBreakpoints', { breakpoints: [{ name: `phase == "forward" && loss > ${median}` }] });
    await c.stop('reverseContinue', { threadId: 1 });
    const first = losses.findIndex((l) => l > median) + 1;
    const last = losses.length - [...losses].reverse().findIndex((l) => l > median);
    expect((await frame(c)).name).toBe(`forward t=${last}`);
    await c.stop('reverseContinue', { threadId: 1 });
    await c.stop('continue', { threadId: 1 });
    expect((await frame(c)).name).toBe(`forward t=${first === 1 ? losses.findIndex((l, i) => i > 0 && l > median) + 1 : first}`);
  });

  it('stops on data lines in both phases, with conditions; other lines are unverified', async () => {
    const g = golden('rnn-tanh-softmax-ce');
    const { path, text } = specFile('lines', g.spec);
    const lines = text.split('\n');
    const inputs = (g.spec.data as { inputs: unknown[] }).inputs;
    const line = (t: number): number => lines.findIndex((l, i) => i > lines.findIndex((x) => x.includes('"inputs"')) && l.trim().startsWith(JSON.stringify(inputs[t - 1]))) + 1;
    const nameLine = lines.findIndex((l) => l.includes('"name"')) + 1;
    let set: { breakpoints: { verified: boolean; message?: string; line: number }[] } | undefined;
    const { c, first } = await launch(path, { stopOnEntry: false }, async (c) => {
      set = await c.ok('setBreakpoints', { source: { path }, breakpoints: [{ line: line(2) }, { line: nameLine }, { line: line(3), condition: 'phase == "backward"' }, { line: line(4), condition: 'h[' }] });
    });
    expect(set?.breakpoints.map((b) => b.verified)).toEqual([true, false, true, false]);
    expect(set?.breakpoints[1].message).toMatch(/no timestep's data/);
    expect(set?.breakpoints[3].message).toMatch(/condition does not parse: column 3/);
    // stopOnEntry false: runs to the first breakpoint.
    expect(first.body.reason).toBe('breakpoint');
    expect((await frame(c)).name).toBe('forward t=2');
    expect((await frame(c)).line).toBe(line(2));
    await c.stop('continue', { threadId: 1 });
    expect((await frame(c)).name).toBe('backward t=3');
    await c.stop('continue', { threadId: 1 });
    expect((await frame(c)).name).toBe('backward t=2');
    // Goto: the targets on a data line, then one of them.
    const { targets } = await c.ok('gotoTargets', { source: { path }, line: line(3) });
    expect(targets.map((x: { label: string }) => x.label)).toEqual(['forward t=3', 'backward t=3']);
    const moved = await c.stop('goto', { threadId: 1, targetId: targets[0].id });
    expect(moved.body.reason).toBe('goto');
    expect((await frame(c)).name).toBe('forward t=3');
  });

  it('stops where a NaN or an infinity first appears (the nonfinite filter)', async () => {
    // identity activation and a huge W_hh: h overflows to ±Infinity within a few steps.
    const spec = {
      name: 'overflow',
      model: { cell: 'rnn', hidden: 2, activation: 'identity', output: 'identity' },
      loss: 'mse',
      data: { inputs: [[1], [1], [1], [1], [1]], targets: [[0], [0], [0], [0], [0]] },
      init: { scheme: 'zeros', weights: { W_xh: [[1e200], [1e200]], W_hh: [[1e200, 0], [0, 1e200]], b_h: [0, 0], W_hy: [[1, 1]], b_y: [0] } },
    };
    const { path, trace } = specFile('nonfinite', spec);
    const firstBad = Array.from({ length: trace.T }, (_, i) => i + 1).find((t) => Array.from(trace.forward(t).h).some((v) => !Number.isFinite(v)));
    expect(firstBad).toBeDefined();
    const { c } = await launch(path, {}, async (c) => void (await c.ok('setExceptionBreakpoints', { filters: ['nonfinite'] })));
    const hit = await c.stop('continue', { threadId: 1 });
    expect(hit.body.reason).toBe('exception');
    expect(hit.body.text).toMatch(/non-finite value: h\[0\] = Infinity/);
    expect((await frame(c)).name).toBe(`forward t=${firstBad}`);
  });

  it('initialize without pathFormat takes its default, native paths (as the protocol says)', async () => {
    const c = track(new DapClient(process.execPath, [CLI, 'dap'], ROOT));
    const caps = await c.ok('initialize', { adapterID: 'bptt' });
    expect(caps.supportsStepBack).toBe(true);
    expect((await c.request('initialize', { adapterID: 'bptt', pathFormat: 'uri' })).success).toBe(false);
  });

  it('fails a launch on a spec with errors, with the positioned message', async () => {
    const path = join(dir, 'broken.rnn.yaml');
    writeFileSync(path, 'model:\n  cell: rnn\n  hidden: -3\ndata:\n  text: hello\n');
    const c = track(new DapClient(process.execPath, [CLI, 'dap'], ROOT));
    await c.ok('initialize', { adapterID: 'bptt', pathFormat: 'path' });
    const r = await c.request('launch', { spec: path });
    expect(r.success).toBe(false);
    expect(r.body?.error?.format ?? r.message).toMatch(/broken\.rnn\.yaml:3:\d+: .*hidden/);
  });
});
