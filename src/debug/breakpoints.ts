/**
 * The adapter's breakpoints: lines of the spec's data, expressions (function breakpoints), their
 * conditions, and the `nonfinite` exception filter. Each is checked when set: a line that holds no
 * step's data, or an expression that does not parse, is unverified with the reason.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { SessionApi, Stops } from '../session/api';

export const NONFINITE_FILTER: DebugProtocol.ExceptionBreakpointsFilter = {
  filter: 'nonfinite',
  label: 'NaN or infinity',
  description: 'Stop where a NaN or an infinite value first appears (forward values, then gradients).',
  default: false,
};

/** "column 5: expected a name" from a parse error. */
const parseMessage = (what: string, r: { message: string; column: number }): string => `${what} does not parse: column ${r.column}: ${r.message}`;

export class Breakpoints {
  private nextId = 1;
  private lines: Stops['lines'] = [];
  private expressions: Stops['expressions'] = [];
  private nonfinite = false;

  /** What a continue stops at, now. */
  get stops(): Stops {
    return { lines: this.lines, expressions: this.expressions, nonfinite: this.nonfinite };
  }

  /** Replaces the spec's line breakpoints; answers each with verified or the reason it is not. */
  async setLines(api: SessionApi, requested: DebugProtocol.SourceBreakpoint[], source: DebugProtocol.Source): Promise<DebugProtocol.Breakpoint[]> {
    const checks = await api.checkLines(requested.map((b) => b.line));
    const out: DebugProtocol.Breakpoint[] = [];
    const kept: Stops['lines'] = [];
    for (let i = 0; i < requested.length; i++) {
      const b = requested[i], id = this.nextId++;
      const bp: DebugProtocol.Breakpoint = { id, verified: false, line: b.line, source };
      const cond = b.condition?.trim() ? await api.checkExpression(b.condition) : null;
      if (checks[i].steps === 0) bp.message = `no timestep's data is on line ${b.line}: set breakpoints on the lines of data (text, tokens, inputs or targets)`;
      else if (cond && !cond.ok) bp.message = parseMessage('the condition', cond);
      else {
        bp.verified = true;
        bp.message = checks[i].steps === 1 ? `stops at t=${checks[i].first}, forward and backward` : `stops at ${checks[i].steps} steps, forward and backward`;
        kept.push({ id, line: b.line, condition: b.condition?.trim() || undefined });
      }
      out.push(bp);
    }
    this.lines = kept;
    return out;
  }

  /** Replaces the expression breakpoints (their `name` is the expression). */
  async setExpressions(api: SessionApi, requested: DebugProtocol.FunctionBreakpoint[]): Promise<DebugProtocol.Breakpoint[]> {
    const out: DebugProtocol.Breakpoint[] = [];
    const kept: Stops['expressions'] = [];
    for (const b of requested) {
      const id = this.nextId++;
      const expr = await api.checkExpression(b.name);
      const cond = b.condition?.trim() ? await api.checkExpression(b.condition) : null;
      if (!expr.ok) out.push({ id, verified: false, message: parseMessage(`'${b.name}'`, expr) });
      else if (cond && !cond.ok) out.push({ id, verified: false, message: parseMessage('the condition', cond) });
      else {
        out.push({ id, verified: true });
        kept.push({ id, expression: b.name, condition: b.condition?.trim() || undefined });
      }
    }
    this.expressions = kept;
    return out;
  }

  setExceptionFilters(filters: string[]): void {
    this.nonfinite = filters.includes(NONFINITE_FILTER.filter);
  }
}
