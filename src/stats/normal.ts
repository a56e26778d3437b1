/**
 * The standard normal distribution, with the upper tail computed directly (not as 1 - CDF) so
 * that the expected maximum of a million draws, which lives at tail probabilities near 1e-6,
 * keeps its precision.
 */

/** Complementary error function; fractional error below 1.2e-7 everywhere (Chebyshev fit). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z > x). */
export function normalUpperTail(x: number): number {
  return 0.5 * erfc(x / Math.SQRT2);
}

/** log P(Z <= x), accurate both deep in the lower tail and near 1. */
export function logNormalCdf(x: number): number {
  return x < 0 ? Math.log(normalUpperTail(-x)) : Math.log1p(-normalUpperTail(x));
}

/**
 * The z with P(Z > z) = q, for q in (0, 1). Acklam's rational approximation (relative error
 * ~1e-9) evaluated on the smaller of q and 1 - q, so tiny tail probabilities stay exact.
 */
export function normalUpperQuantile(q: number): number {
  if (!(q > 0 && q < 1)) {
    if (q <= 0) return Infinity;
    return -Infinity;
  }
  // Phi^{-1}(1 - q) = -Phi^{-1}(q).
  return q <= 0.5 ? -lowerQuantile(q) : lowerQuantile(1 - q);
}

const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
] as const;
const B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
] as const;
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
] as const;
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416] as const;

/** Phi^{-1}(p) for p in (0, 1). */
function lowerQuantile(p: number): number {
  const pLow = 0.02425;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
    );
  }
  if (p > 1 - pLow) {
    const q = Math.sqrt(-2 * Math.log1p(-p));
    return (
      -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  );
}
