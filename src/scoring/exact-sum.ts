/**
 * Exact integer accumulation for weighted averages.
 *
 * Scoring's averages are ratios of integer sums (minor units × whole days, minor units × PAYDEX
 * points × 840). Summed as integers they are exact, so the result does not depend on the order of
 * the input: floating-point sums would differ in the last bits when the same records come in
 * another order. The sum stays a `number` while it is a safe integer and moves to `bigint` beyond.
 *
 * @internal
 * @module
 */

const MAX = Number.MAX_SAFE_INTEGER;

/** A sum of integers (and of products of integers) that never loses precision. */
export class ExactSum {
  private small = 0;
  private big: bigint | undefined;

  /** Adds an integer. */
  add(value: number): void {
    if (this.big === undefined) {
      const next = this.small + value;
      if (next <= MAX && next >= -MAX) {
        this.small = next;
        return;
      }
      this.big = BigInt(this.small);
    }
    this.big += BigInt(value);
  }

  /** Adds `a × b` for integers `a` and `b`. */
  addProduct(a: number, b: number): void {
    const product = a * b;
    // A product whose float result is within the safe range was computed exactly.
    if (product <= MAX && product >= -MAX) this.add(product);
    else {
      if (this.big === undefined) this.big = BigInt(this.small);
      this.big += BigInt(a) * BigInt(b);
    }
  }

  /** Adds another sum. */
  addSum(other: ExactSum): void {
    if (other.big === undefined) this.add(other.small);
    else {
      if (this.big === undefined) this.big = BigInt(this.small);
      this.big += other.big;
    }
  }

  /** `true` when nothing but zeros was added. */
  isZero(): boolean {
    return this.big === undefined ? this.small === 0 : this.big === 0n;
  }

  /** The sum as a number: exact while it is a safe integer, the nearest double beyond. */
  toNumber(): number {
    return this.big === undefined ? this.small : Number(this.big);
  }

  /** The sum as a bigint (exact). */
  toBigInt(): bigint {
    return this.big ?? BigInt(this.small);
  }

  /**
   * `this / divisor` as a double, rounded once. Both sums are exact, so the quotient is the same
   * whatever order the terms were added in.
   */
  divide(divisor: ExactSum): number {
    if (this.big === undefined && divisor.big === undefined) return this.small / divisor.small;
    return ratio(this.toBigInt(), divisor.toBigInt());
  }
}

/** `a / b` for bigints as a double, without first rounding `a` and `b` to doubles separately when they are large. */
export function ratio(a: bigint, b: bigint): number {
  if (b === 0n) return Number.NaN;
  const whole = a / b;
  const rest = a - whole * b;
  return Number(whole) + Number(rest) / Number(b);
}
