/**
 * The standard normal tail, accurate to about 1e-15 relative over the whole range a p-value needs (erfc, then
 * Φ(−|z|)). Two expansions, each free of cancellation where it is used:
 * - x < 0.5: erf(x) = 2/√π · e^(−x²) · Σ_n 2^n x^(2n+1) / (1·3·…·(2n+1)) (all terms positive), erfc = 1 − erf
 *   (erfc ≥ 0.48 there, so the subtraction costs nothing);
 * - x ≥ 0.5: the continued fraction erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated with
 *   the modified Lentz method.
 */
const SQRT_PI = Math.sqrt(Math.PI);
const TINY = 1e-300;

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return (2 / SQRT_PI) * Math.exp(-x2) * sum;
}

function erfcContinuedFraction(x: number): number {
  // erfc(x)·√π·e^(x²) = 1/(x + a1/(x + a2/(x + …))) with a_k = k/2.
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < TINY ? TINY : d;
    c = x + a / c;
    c = Math.abs(c) < TINY ? TINY : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (SQRT_PI * f);
}

/** The complementary error function, erfc(x) = 1 − erf(x). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 0.5) return 1 - erfSeries(x);
  if (x > 27.3) return 0; // below the smallest double
  return erfcContinuedFraction(x);
}

/** P(Z > z) for a standard normal Z. */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Two-sided p-value of a z statistic: P(|Z| ≥ |z|). */
export function twoSidedP(z: number): number {
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}
