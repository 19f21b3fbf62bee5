import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTouchlogError } from 'touchlog';
import { memoryAdapter } from 'touchlog/memory';
import { FUZZ_TARGETS, fuzz, moneyFuzz, runMoney } from './fuzz-targets.js';

/** The quick version; `npm run bench:fuzz` runs 10 000 cases per entry point. */
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 60);

describe('hostile input through every public entry point (memory adapter)', () => {
  for (const target of FUZZ_TARGETS) {
    it(target.name, async () => {
      await fuzz(target, () => memoryAdapter(), RUNS);
    });
  }

  it('moneyFromDecimal throws only RangeError', () => {
    fc.assert(
      fc.property(moneyFuzz, (input) => {
        try {
          runMoney(input);
        } catch (error) {
          expect(error instanceof RangeError || isTouchlogError(error)).toBe(true);
        }
      }),
      { numRuns: RUNS * 10 },
    );
  });
});
