/** Tokens as a reader can see them: a space as ␣, a newline as ↵, a tab as ⇥, nothing as ∅. */
const VISIBLE: Record<string, string> = { ' ': '␣', '\n': '↵', '\r': '␍', '\t': '⇥' };

export function tokenText(s: string): string {
  if (s === '') return '∅';
  return s.replace(/[ \n\r\t]/g, (c) => VISIBLE[c] ?? c);
}
