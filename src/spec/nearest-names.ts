/**
 * "Did you mean" suggestions for an unknown name: the catalog or preset names closest to
 * what the user typed, by edit distance (case-insensitive). A name is also scored by its
 * prefix of the typed length (plus half a point), so that an abbreviation like 'h100'
 * suggests 'h100-sxm' before the equally short 'b200'.
 */
export function nearestNames(wanted: string, names: readonly string[], limit = 3): string[] {
  const w = wanted.toLowerCase();
  return names
    .map((name) => {
      const n = name.toLowerCase();
      return { name, score: Math.min(editDistance(w, n), editDistance(w, n.slice(0, w.length)) + 0.5) };
    })
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((s) => s.name);
}

/** Levenshtein distance, two rows. Inputs are short names; cost is negligible. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
