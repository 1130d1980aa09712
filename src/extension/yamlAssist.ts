/**
 * The spec schema in the editor without a YAML extension: completion and hover in *.rnn.yaml from
 * media/spec.schema.json (schemaAssist.ts), and a quick fix for every "did you mean 'x'?" the loader
 * reports (YAML and JSON specs alike).
 */
import * as vscode from 'vscode';
import { completions, describeKey, placeAt, suggestionOf, type SchemaNode } from './schemaAssist';

const YAML_SPEC: vscode.DocumentSelector = [
  { language: 'yaml', pattern: '**/*.rnn.yaml' },
  { language: 'yaml', pattern: '**/*.rnn.yml' },
];
const ANY_SPEC: vscode.DocumentSelector = [...(YAML_SPEC as vscode.DocumentFilter[]), { pattern: '**/*.rnn.json' }];

const lines = (doc: vscode.TextDocument): string[] => doc.getText().split(/\r?\n/);

export function registerYamlAssist(extensionUri: vscode.Uri): vscode.Disposable[] {
  let schema: Promise<SchemaNode> | null = null;
  const load = (): Promise<SchemaNode> =>
    (schema ??= Promise.resolve(vscode.workspace.fs.readFile(vscode.Uri.joinPath(extensionUri, 'media', 'spec.schema.json'))).then((b) => JSON.parse(new TextDecoder().decode(b)) as SchemaNode));

  const completion: vscode.CompletionItemProvider = {
    async provideCompletionItems(doc, pos) {
      const root = await load();
      const place = placeAt(lines(doc), pos.line, pos.character);
      const word = doc.getWordRangeAtPosition(pos, /[\w.-]+/);
      return completions(root, place).map((it) => {
        const item = new vscode.CompletionItem(it.label, it.kind === 'property' ? vscode.CompletionItemKind.Property : vscode.CompletionItemKind.EnumMember);
        item.insertText = it.insert;
        item.detail = it.detail;
        if (it.documentation) item.documentation = new vscode.MarkdownString(it.documentation);
        if (word) item.range = word;
        if (it.insert.endsWith('\n')) item.command = { command: 'editor.action.reindentlines', title: '' };
        return item;
      });
    },
  };

  const hover: vscode.HoverProvider = {
    async provideHover(doc, pos) {
      const range = doc.getWordRangeAtPosition(pos, /[A-Za-z_][\w.-]*/);
      if (!range) return undefined;
      const text = doc.lineAt(pos.line).text;
      // A key: the word followed by ':'.
      if (!/^\s*:/.test(text.slice(range.end.character))) return undefined;
      const place = placeAt(lines(doc), pos.line, range.end.character + 1);
      const md = describeKey(await load(), place.path);
      return md ? new vscode.Hover(new vscode.MarkdownString(md), range) : undefined;
    },
  };

  const fixes: vscode.CodeActionProvider = {
    provideCodeActions(doc, _range, context) {
      const out: vscode.CodeAction[] = [];
      for (const d of context.diagnostics) {
        if (d.source !== 'bptt') continue;
        const s = suggestionOf(d.message);
        if (!s) continue;
        const old = doc.getText(d.range);
        // Keep the quotes of a quoted JSON or YAML scalar.
        const q = /^(["'])(.*)\1$/.exec(old);
        const a = new vscode.CodeAction(`Change to '${s}'`, vscode.CodeActionKind.QuickFix);
        a.edit = new vscode.WorkspaceEdit();
        a.edit.replace(doc.uri, d.range, q ? `${q[1]}${s}${q[1]}` : s);
        a.diagnostics = [d];
        a.isPreferred = true;
        out.push(a);
      }
      return out;
    },
  };

  return [
    vscode.languages.registerCompletionItemProvider(YAML_SPEC, completion, ':', ' '),
    vscode.languages.registerHoverProvider(YAML_SPEC, hover),
    vscode.languages.registerCodeActionsProvider(ANY_SPEC, fixes, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  ];
}
