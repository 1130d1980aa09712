/** The engine depends on nothing: no vscode, no Node, no DOM; its own tsconfig proves it compiles so. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const ENGINE = join(ROOT, 'src', 'engine');
/** The session is held to the same rule: every front-end (panel, debugger, CLI, worker) can use it. */
const SESSION = join(ROOT, 'src', 'session');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.ts$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** Comments, strings and template literals, leftmost first (a string may hold '//', a comment a quote). */
const TOKENS = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g;

/** The code without comments; with `keepStrings` false, string contents blanked too. */
function code(text: string, keepStrings: boolean): string {
  return text.replace(TOKENS, (tok) => (tok.startsWith('/') ? ' ' : keepStrings ? tok : "''"));
}

const FORBIDDEN_MODULE = /^(vscode|fs|path|os|child_process|worker_threads|crypto|util|node:.*|fs\/.*|path\/.*)$/;

for (const [name, DIR] of [['engine', ENGINE], ['session', SESSION]] as const)
describe(`${name} purity`, () => {
  const files = sources(DIR);

  it(`finds the ${name} sources`, () => expect(files.length).toBeGreaterThan(5));

  it('imports no vscode, no node:* and no Node built-ins', () => {
    const bad: string[] = [];
    for (const f of files) {
      const text = code(readFileSync(f, 'utf8'), true);
      for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)) {
        if (FORBIDDEN_MODULE.test(m[1])) bad.push(`${relative(ROOT, f)}: imports '${m[1]}'`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('uses no document or window', () => {
    const bad: string[] = [];
    for (const f of files) {
      const text = code(readFileSync(f, 'utf8'), false);
      for (const m of text.matchAll(/(?<![.\w$])(document|window|globalThis\.(?:document|window))\b(?!\s*:)/g)) {
        bad.push(`${relative(ROOT, f)}: uses '${m[1]}'`);
      }
    }
    expect(bad).toEqual([]);
  });

  it(`type-checks with no DOM and no Node types (src/${name}/tsconfig.json)`, () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', join(DIR, 'tsconfig.json')], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

/** Dependencies point inward: the CLI and the Node helpers (the training worker bptt train runs) never reach into src/extension. */
describe('cli and src/node purity', () => {
  it('import nothing from src/extension', () => {
    const files = [...sources(join(ROOT, 'src', 'cli')), ...sources(join(ROOT, 'src', 'node'))];
    expect(files.length).toBeGreaterThan(5);
    const bad: string[] = [];
    for (const f of files) {
      const text = code(readFileSync(f, 'utf8'), true);
      for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)) {
        if (m[1].startsWith('.') && relative(ROOT, join(f, '..', m[1])).startsWith(join('src', 'extension'))) bad.push(`${relative(ROOT, f)}: imports '${m[1]}'`);
      }
    }
    expect(bad).toEqual([]);
  });
});
