/**
 * Metric-name patterns for `compare --metrics`: `*` matches any run of characters (none
 * included), `?` exactly one, everything else itself. Matched by the classic two-pointer
 * glob algorithm, which backtracks only to the last `*` and so runs in O(pattern x name) at
 * worst, never exponentially; no regular expression is built, so no pattern can be an invalid
 * one or backtrack for a minute (docs/hostile-input.md).
 */
export function globMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  // Where the last `*` was, and the name position it has swallowed up to.
  let star = -1;
  let starName = 0;
  while (n < name.length) {
    const c = pattern[p];
    if (c === '*') {
      star = p++;
      starName = n;
    } else if (c !== undefined && (c === '?' || c === name[n])) {
      p++;
      n++;
    } else if (star >= 0) {
      p = star + 1;
      n = ++starName;
    } else return false;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Longest pattern accepted: metric names are under 100 characters. */
export const MAX_PATTERN_LENGTH = 1000;
