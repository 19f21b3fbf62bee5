/**
 * The Nelder–Mead simplex method: minimises a function of a few variables without derivatives.
 * The models here are fitted on log-parameters (every parameter is positive), where the
 * likelihood surface is smooth and unconstrained, so a derivative-free simplex is robust and
 * needs no numeric gradients. A dependency would add nothing: this is forty lines, deterministic
 * and tested on the published fits.
 *
 * Adaptive coefficients (Gao & Han 2012: reflection 1, expansion 1 + 2/n, contraction
 * 0.75 − 1/(2n), shrink 1 − 1/n) and scipy's stopping rule: the simplex has converged when every
 * vertex is within `xTolerance` of the best one in every coordinate and within `fTolerance` of its
 * value — or, on a ridge so flat that the vertices' values agree to `fTolerance` while they still
 * lie apart, when the best value has not improved for 20·n iterations (the surface is flat to the
 * precision asked for, and moving along it changes nothing). A converged run is restarted once
 * from its best point, which catches the rare premature collapse of the simplex.
 *
 * @internal
 * @module
 */

/** Options of {@link nelderMead}. */
export interface NelderMeadOptions {
  /** Size of the first simplex's steps along each axis. Default 0.5 (log-parameters: a factor of e^0.5). */
  readonly step?: number;
  readonly xTolerance?: number;
  readonly fTolerance?: number;
  /** Function evaluations allowed, over all restarts. Default 20 000. */
  readonly maxEvaluations?: number;
}

/** Outcome of a minimisation. */
export interface NelderMeadResult {
  /** The best point found. */
  readonly x: number[];
  /** The function's value there. */
  readonly value: number;
  /** Whether the stopping rule was met (rather than the evaluation budget running out). */
  readonly converged: boolean;
  readonly evaluations: number;
}

/**
 * Minimises `f` from `start`. Non-finite values of `f` count as +∞ (the simplex moves away).
 *
 * @example
 * ```ts
 * const { x } = nelderMead(([a, b]) => (a! - 1) ** 2 + (b! + 2) ** 2, [0, 0]);
 * // x ≈ [1, -2]
 * ```
 */
export function nelderMead(f: (x: readonly number[]) => number, start: readonly number[], options: NelderMeadOptions = {}): NelderMeadResult {
  const n = start.length;
  const step = options.step ?? 0.5;
  const xTol = options.xTolerance ?? 1e-8;
  const fTol = options.fTolerance ?? 1e-12;
  const budget = options.maxEvaluations ?? 20_000;
  const alpha = 1;
  const gamma = 1 + 2 / n;
  const rho = 0.75 - 1 / (2 * n);
  const sigma = 1 - 1 / n;
  let evaluations = 0;
  const value = (x: readonly number[]) => {
    evaluations++;
    const y = f(x);
    return Number.isFinite(y) ? y : Number.POSITIVE_INFINITY;
  };

  const run = (from: readonly number[], size: number): { x: number[]; value: number; converged: boolean } => {
    const points: number[][] = [from.slice()];
    for (let i = 0; i < n; i++) {
      const p = from.slice();
      p[i]! += size;
      points.push(p);
    }
    const values = points.map(value);
    const order = points.map((_, i) => i);
    let iteration = 0;
    let improvedAt = 0;
    let bestSeen = Number.POSITIVE_INFINITY;
    for (;; iteration++) {
      order.sort((i, j) => values[i]! - values[j]! || i - j);
      const best = order[0]!;
      const worst = order[n]!;
      const second = order[n - 1]!;
      let spread = 0;
      let fSpread = 0;
      for (let k = 1; k <= n; k++) {
        const p = points[order[k]!]!;
        for (let d = 0; d < n; d++) spread = Math.max(spread, Math.abs(p[d]! - points[best]![d]!));
        fSpread = Math.max(fSpread, Math.abs(values[order[k]!]! - values[best]!));
      }
      const scale = fTol * Math.max(1, Math.abs(values[best]!));
      if (values[best]! < bestSeen - scale) {
        bestSeen = values[best]!;
        improvedAt = iteration;
      }
      const flat = fSpread <= scale;
      if (flat && (spread <= xTol || iteration - improvedAt >= 20 * n)) {
        return { x: points[best]!.slice(), value: values[best]!, converged: Number.isFinite(values[best]!) };
      }
      if (evaluations >= budget) return { x: points[best]!.slice(), value: values[best]!, converged: false };
      const centroid = new Array<number>(n).fill(0);
      for (let k = 0; k < n; k++) for (let d = 0; d < n; d++) centroid[d]! += points[order[k]!]![d]! / n;
      const along = (t: number) => centroid.map((c, d) => c + t * (c - points[worst]![d]!));
      const reflected = along(alpha);
      const fr = value(reflected);
      if (fr < values[best]!) {
        const expanded = along(alpha * gamma);
        const fe = value(expanded);
        if (fe < fr) {
          points[worst] = expanded;
          values[worst] = fe;
        } else {
          points[worst] = reflected;
          values[worst] = fr;
        }
        continue;
      }
      if (fr < values[second]!) {
        points[worst] = reflected;
        values[worst] = fr;
        continue;
      }
      const outside = fr < values[worst]!;
      const contracted = along(outside ? alpha * rho : -rho);
      const fc = value(contracted);
      if (fc < (outside ? fr : values[worst]!)) {
        points[worst] = contracted;
        values[worst] = fc;
        continue;
      }
      for (let k = 1; k <= n; k++) {
        const i = order[k]!;
        points[i] = points[i]!.map((x, d) => points[best]![d]! + sigma * (x - points[best]![d]!));
        values[i] = value(points[i]!);
      }
    }
  };

  const first = run(start, step);
  if (!first.converged) return { ...first, evaluations };
  const second = run(first.x, step / 10);
  const better = second.value <= first.value ? second : first;
  return { x: better.x, value: better.value, converged: second.converged, evaluations };
}
