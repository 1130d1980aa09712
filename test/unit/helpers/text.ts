/** A deterministic pseudo-random text of n characters from `alphabet` (a linear congruential generator from `seed`). */
export function pseudoText(n: number, seed: number, alphabet = 'abcdefghijklmnopqrstuvwxyz '): string {
  let s = '';
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    s += alphabet[x % alphabet.length];
  }
  return s;
}
