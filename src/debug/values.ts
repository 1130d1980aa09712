/**
 * The session's values as DAP sees them: scopes and variables with references that page a vector
 * or a matrix lazily (a reference names a place and a path in its tree, valid until the next stop).
 */
import { Handles, Scope } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Cursor } from '../session/cursor';
import type { ScopeName, SessionApi, VarNode } from '../session/api';

export class Values {
  private readonly refs = new Handles<{ at: Cursor; path: string[] }>();

  /** The place changed: every reference handed out is stale. */
  reset(): void {
    this.refs.reset();
  }

  scopes(scopes: { name: ScopeName; named: number; expensive: boolean }[], at: Cursor): DebugProtocol.Scope[] {
    return scopes.map((s) => {
      const scope: DebugProtocol.Scope = new Scope(s.name, s.named ? this.refs.create({ at, path: [s.name] }) : 0, s.expensive);
      scope.namedVariables = s.named;
      scope.presentationHint = s.name === 'Step' ? 'locals' : undefined;
      return scope;
    });
  }

  /** A page of the children a reference names (none for a stale one). */
  async variables(api: SessionApi, args: DebugProtocol.VariablesArguments): Promise<DebugProtocol.Variable[]> {
    const ref = this.refs.get(args.variablesReference);
    if (!ref) return [];
    const nodes = await api.variables(ref.at, ref.path, args.start, args.count);
    // A vector or matrix has only indexed children; a scope or a parameter only named ones.
    const indexed = nodes.length > 0 && nodes[0].name.startsWith('[');
    const wanted = args.filter === undefined || (args.filter === 'indexed') === indexed;
    return wanted ? nodes.map((n) => this.variable(n, ref.at)) : [];
  }

  variable(n: VarNode, at: Cursor): DebugProtocol.Variable {
    const v: DebugProtocol.Variable = { name: n.name, value: n.value, type: n.type, variablesReference: 0 };
    if (n.evaluateName !== undefined) v.evaluateName = n.evaluateName;
    if (n.path && (n.indexed || n.named)) {
      v.variablesReference = this.refs.create({ at, path: n.path });
      if (n.indexed) v.indexedVariables = n.indexed;
      if (n.named) v.namedVariables = n.named;
    }
    return v;
  }
}
