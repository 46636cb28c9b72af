/**
 * "Did you mean …?" for mistyped commands and flags: the closest known name by edit distance,
 * or the only known name the input is a prefix of.
 */

/**
 * The optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
 * neighbouring characters each cost 1 (`generat` → `generate` is 1, `gnerate` → `generate` 1,
 * `genreate` → `generate` 1).
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known name `input` most likely meant, or `undefined` when none is close: the unique name
 * it is a prefix of (`gen` → `generate`), else the nearest within `max(2, length / 3)` edits,
 * ties going to the first in `known`. Inputs shorter than 2 characters get no suggestion.
 */
export function suggest(input: string, known: readonly string[]): string | undefined {
  if (input.length < 2) return undefined;
  const prefixed = known.filter((name) => name.startsWith(input));
  if (prefixed.length === 1) return prefixed[0];
  const limit = Math.max(2, Math.floor(input.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of known) {
    const distance = editDistance(input, name);
    if (distance < bestDistance && distance <= limit && distance < Math.max(input.length, name.length)) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}
