/**
 * A small L2-regularised logistic regression (Newton–Raphson / IRLS on standardised features), the
 * "simple classifier" of the difficulty study: how separable AFF and NFF are from a few measured cues.
 */

export interface LogisticModel {
  mean: number[];
  sd: number[];
  /** Intercept first, then one weight per (standardised) feature. */
  weights: number[];
}

/** Solves A·x = b for a small symmetric positive definite A (Gaussian elimination, partial pivoting). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}

/** Fits y ∈ {0, 1} on rows of features; `lambda` is the ridge penalty on the weights (not the intercept). */
export function fitLogistic(x: readonly number[][], y: readonly number[], lambda = 1e-2, iterations = 50): LogisticModel {
  const d = x[0]!.length;
  const mean = Array.from({ length: d }, (_, j) => x.reduce((a, r) => a + r[j]!, 0) / x.length);
  const sd = Array.from({ length: d }, (_, j) => Math.sqrt(x.reduce((a, r) => a + (r[j]! - mean[j]!) ** 2, 0) / x.length) || 1);
  const z = x.map((r) => [1, ...r.map((v, j) => (v - mean[j]!) / sd[j]!)]);
  let w = new Array<number>(d + 1).fill(0);
  for (let it = 0; it < iterations; it++) {
    const H = Array.from({ length: d + 1 }, (_, i) => Array.from({ length: d + 1 }, (_, j) => (i === j && i > 0 ? lambda : 0)));
    const g = w.map((wi, i) => (i > 0 ? lambda * wi : 0));
    z.forEach((r, n) => {
      const p = 1 / (1 + Math.exp(-r.reduce((a, v, i) => a + v * w[i]!, 0)));
      const s = p * (1 - p);
      for (let i = 0; i <= d; i++) {
        g[i]! += (p - y[n]!) * r[i]!;
        for (let j = 0; j <= d; j++) H[i]![j]! += s * r[i]! * r[j]!;
      }
    });
    const step = solve(H, g);
    w = w.map((wi, i) => wi - step[i]!);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return { mean, sd, weights: w };
}

/** Probability of class 1 for one row of features. */
export function predictLogistic(m: LogisticModel, row: readonly number[]): number {
  const t = row.reduce((a, v, j) => a + ((v - m.mean[j]!) / m.sd[j]!) * m.weights[j + 1]!, m.weights[0]!);
  return 1 / (1 + Math.exp(-t));
}
