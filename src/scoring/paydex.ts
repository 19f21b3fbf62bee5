/**
 * The PAYDEX-style payment score: Dun & Bradstreet's published scale from days beyond terms to a
 * score from 1 to 100, interpolated linearly between the published points, and its dollar-weighted
 * average over payment experiences.
 *
 * @module
 */

/**
 * The published Dun & Bradstreet PAYDEX points: `[days beyond terms, score]`, negative days being
 * early payment. 100 anticipates (30 days early), 90 discounts (20 days early), 80 is prompt, 70 is
 * 15 days beyond terms, 60 is 22, 50 is 30, 40 is 60, 30 is 90, 20 is 120; below 20 is beyond 120.
 */
export const PAYDEX_POINTS: ReadonlyArray<readonly [daysBeyondTerms: number, score: number]> = Object.freeze([
  [-30, 100],
  [-20, 90],
  [0, 80],
  [15, 70],
  [22, 60],
  [30, 50],
  [60, 40],
  [90, 30],
  [120, 20],
] as const);

/**
 * Every slope of the scale, in points per day, is a multiple of 1/840 (840 is the least common
 * multiple of the segment lengths 10, 20, 15, 7, 8 and 30 and of 3): so for whole days the score
 * times 840 is an integer, and weighted sums of scores are exact.
 */
export const PAYDEX_SCALE = 840;

/**
 * The score of one whole number of days beyond terms, times {@link PAYDEX_SCALE}. Beyond 120 days
 * the last published slope (10 points per 30 days) continues down to the floor of 1, reached at 177 days.
 *
 * @internal
 */
export function paydexPointsScaled(days: number): number {
  if (days <= -30) return 84_000;
  if (days <= -20) return 84_000 - (days + 30) * 840;
  if (days <= 0) return 75_600 - (days + 20) * 420;
  if (days <= 15) return 67_200 - days * 560;
  if (days <= 22) return 58_800 - (days - 15) * 1200;
  if (days <= 30) return 50_400 - (days - 22) * 1050;
  if (days <= 120) return 42_000 - (days - 30) * 280;
  const below = 16_800 - (days - 120) * 280;
  return below > 840 ? below : 840;
}

/**
 * The PAYDEX-style score (1–100) of a payment made `daysBeyondTerms` days after the due date
 * (negative: before it), interpolated linearly between {@link PAYDEX_POINTS}. Earlier than 30 days
 * scores 100; beyond 120 days the last slope continues down to 1 (at 177 days and later).
 *
 * @example
 * ```ts
 * paydexPoints(-30) // 100 (anticipates)
 * paydexPoints(0)   // 80  (prompt)
 * paydexPoints(15)  // 70
 * paydexPoints(26)  // 55  (halfway between 22 → 60 and 30 → 50)
 * paydexPoints(150) // 10
 * ```
 */
export function paydexPoints(daysBeyondTerms: number): number {
  if (!Number.isFinite(daysBeyondTerms)) throw new RangeError('daysBeyondTerms must be a finite number');
  if (Number.isInteger(daysBeyondTerms)) return paydexPointsScaled(daysBeyondTerms) / PAYDEX_SCALE;
  const d = daysBeyondTerms;
  if (d <= -30) return 100;
  for (let i = 1; i < PAYDEX_POINTS.length; i++) {
    const [d1, p1] = PAYDEX_POINTS[i]!;
    if (d <= d1) {
      const [d0, p0] = PAYDEX_POINTS[i - 1]!;
      return p0 + ((d - d0) * (p1 - p0)) / (d1 - d0);
    }
  }
  return Math.max(1, 20 - (d - 120) / 3);
}

/** One payment experience: an amount (minor units, one currency) paid so many days beyond terms. */
export interface PaymentExperience {
  readonly amountMinor: number;
  readonly daysBeyondTerms: number;
}

/**
 * The dollar-weighted PAYDEX-style score of payment experiences in one currency: each experience's
 * score ({@link paydexPoints}) weighted by its amount, rounded to a whole score as D&B publishes it.
 * `null` when there is no experience (or they weigh nothing). Experiences must be whole days.
 *
 * @example
 * ```ts
 * paydexScore([
 *   { amountMinor: 300_000, daysBeyondTerms: 0 },  // 80
 *   { amountMinor: 100_000, daysBeyondTerms: 30 }, // 50
 * ]) // 73 (72.5 rounded half up)
 * ```
 */
export function paydexScore(experiences: Iterable<PaymentExperience>): number | null {
  let weight = 0n;
  let points = 0n;
  for (const { amountMinor, daysBeyondTerms } of experiences) {
    if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) throw new RangeError('amountMinor must be a non-negative safe integer');
    if (!Number.isInteger(daysBeyondTerms)) throw new RangeError('daysBeyondTerms must be a whole number of days');
    weight += BigInt(amountMinor);
    points += BigInt(amountMinor) * BigInt(paydexPointsScaled(daysBeyondTerms));
  }
  if (weight === 0n) return null;
  return roundScore(Number(points) / Number(weight) / PAYDEX_SCALE);
}

/** Rounds a weighted score half up to a whole score, as D&B publishes it. @internal */
export function roundScore(score: number): number {
  // A hair of tolerance so that 72.49999999999999 from float division still reads as 72.5.
  return Math.floor(score + 0.5 + 1e-9);
}
