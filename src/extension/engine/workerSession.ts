/**
 * The debugger's view of a session held by the engine worker: the SessionApi the adapter speaks,
 * each call relayed as a message. The panel of the same spec watches the same session, so a move
 * in either is seen by both.
 */
import * as vscode from 'vscode';
import type { SessionApi, SessionChange } from '../../session/api';
import { specText } from '../specFiles';
import type { EngineClient } from './client';

/** Opens (or joins) the worker's session of a spec for a debug session; rejects with the spec's errors. */
export function openWorkerSession(engine: EngineClient, doc: vscode.TextDocument, weights?: string): Promise<SessionApi> {
  const key = doc.uri.toString();
  const listeners = new Set<(e: SessionChange) => void>();
  const emit = (e: SessionChange): void => listeners.forEach((l) => l(e));
  let settled = false;
  return new Promise<SessionApi>((resolve, reject) => {
    const watching = engine.attach(
      specText(doc),
      'debugger',
      {
        built: (m) => {
          if (!settled) {
            settled = true;
            resolve(api);
          } else emit({ kind: 'trace', cursor: m.cursor });
        },
        failed: (m) => {
          if (settled) return;
          settled = true;
          watching.dispose();
          const where = doc.uri.scheme === 'file' ? doc.uri.fsPath : key;
          reject(new Error(m.errors.map((e) => `${where}:${e.line}:${e.column}: ${e.message}`).join('\n')));
        },
        changed: (m) => emit(m.change),
      },
      { weights },
    );
    const api: SessionApi = {
      info: () => engine.call(key, { method: 'info' }),
      move: (move, origin) => engine.call(key, { method: 'move', move, origin }),
      lineOf: (t) => engine.call(key, { method: 'lineOf', t }),
      scopes: (at) => engine.call(key, { method: 'scopes', at }),
      variables: (at, path, start, count) => engine.call(key, { method: 'variables', at, path, start, count }),
      evaluate: (at, text) => engine.call(key, { method: 'evaluate', at, text }),
      checkLines: (lines) => engine.call(key, { method: 'checkLines', lines }),
      checkExpression: (text) => engine.call(key, { method: 'checkExpression', text }),
      onDidChange: (listener) => {
        listeners.add(listener);
        return { dispose: () => listeners.delete(listener) };
      },
      close: () => {
        listeners.clear();
        watching.dispose();
      },
    };
  });
}
