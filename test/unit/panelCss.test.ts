/** media/panel.css stays one well-formed sheet: a rule left open silently disables every rule after it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';

test('media/panel.css: its braces balance', () => {
  // Two branches appending to the file once merged into a rule without its closing brace.
  const css = readFileSync(join(__dirname, '..', '..', 'media', 'panel.css'), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/'[^'\n]*'|"[^"\n]*"/g, '');
  let depth = 0, min = 0;
  for (const ch of css) {
    if (ch === '{') depth++;
    else if (ch === '}') min = Math.min(min, --depth);
  }
  expect({ depth, min }).toEqual({ depth: 0, min: 0 });
});
