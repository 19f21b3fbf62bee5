import { describe, expect, it } from 'vitest';
import {
  PAYDEX_POINTS,
  averageDaysDelinquent,
  bestPossibleDso,
  collectionEffectivenessIndex,
  countbackDso,
  daysSalesOutstanding,
  isoDateOfDay,
  paydexPoints,
  paydexScore,
  utcDay,
} from 'touchlog';

describe('PAYDEX points (Dun & Bradstreet published scale)', () => {
  it.each([
    [-30, 100, 'anticipates'],
    [-20, 90, 'discounts'],
    [0, 80, 'prompt'],
    [15, 70, '15 days beyond terms'],
    [22, 60, '22 days beyond terms'],
    [30, 50, '30 days beyond terms'],
    [60, 40, '60 days beyond terms'],
    [90, 30, '90 days beyond terms'],
    [120, 20, '120 days beyond terms'],
  ])('%i days beyond terms scores exactly %i (%s)', (days, score) => {
    expect(paydexPoints(days)).toBe(score);
  });

  it('publishes the same table it scores with', () => {
    expect(PAYDEX_POINTS.map(([days]) => [days, paydexPoints(days)])).toEqual(PAYDEX_POINTS.map(([d, s]) => [d, s]));
  });

  it('interpolates linearly between published points, for whole and fractional days', () => {
    expect(paydexPoints(-25)).toBe(95);
    expect(paydexPoints(-10)).toBe(85);
    expect(paydexPoints(26)).toBe(55);
    expect(paydexPoints(45)).toBe(45);
    expect(paydexPoints(7.5)).toBe(75);
    expect(paydexPoints(18.5)).toBe(65);
    expect(paydexPoints(5)).toBeCloseTo(80 - 10 / 3, 12);
  });

  it('caps at 100 before 30 days early and falls below 20 beyond 120 days, to a floor of 1', () => {
    expect(paydexPoints(-90)).toBe(100);
    expect(paydexPoints(121)).toBeLessThan(20);
    expect(paydexPoints(150)).toBe(10);
    expect(paydexPoints(177)).toBe(1);
    expect(paydexPoints(400)).toBe(1);
  });

  it('is non-increasing in days beyond terms', () => {
    for (let d = -40; d < 200; d++) expect(paydexPoints(d + 1)).toBeLessThanOrEqual(paydexPoints(d));
  });

  it('weights experiences by amount (dollar-weighted) and rounds half up like the published whole scores', () => {
    expect(paydexScore([{ amountMinor: 300_000, daysBeyondTerms: 0 }, { amountMinor: 100_000, daysBeyondTerms: 30 }])).toBe(73);
    expect(paydexScore([{ amountMinor: 1, daysBeyondTerms: 0 }, { amountMinor: 1, daysBeyondTerms: 30 }])).toBe(65);
    expect(paydexScore([{ amountMinor: 999_999, daysBeyondTerms: 120 }, { amountMinor: 1, daysBeyondTerms: -30 }])).toBe(20);
    expect(paydexScore([])).toBeNull();
    expect(() => paydexScore([{ amountMinor: 1.5, daysBeyondTerms: 0 }])).toThrow(RangeError);
  });
});

describe('DSO, countback DSO, best-possible DSO and ADD', () => {
  it('reproduces the countback worked example: 212 000 against 100 000 / 80 000 / 70 000 in 30-day months is 73.7 days', () => {
    const result = countbackDso(212_000, [
      { creditSales: 100_000, days: 30 },
      { creditSales: 80_000, days: 30 },
      { creditSales: 70_000, days: 30 },
    ]);
    expect(result.days.toFixed(1)).toBe('73.7');
    expect(result.days).toBeCloseTo(30 + 30 + (32_000 / 70_000) * 30, 12);
    expect(result).toMatchObject({ periodsUsed: 3, exhausted: false });
  });

  it('stops at the period where receivables run out, and flags receivables beyond every period', () => {
    expect(countbackDso(50_000, [{ creditSales: 100_000, days: 30 }, { creditSales: 80_000, days: 30 }])).toEqual({ days: 15, periodsUsed: 1, exhausted: false });
    expect(countbackDso(0, [{ creditSales: 100_000, days: 30 }])).toEqual({ days: 0, periodsUsed: 0, exhausted: false });
    expect(countbackDso(500_000, [{ creditSales: 100_000, days: 31 }, { creditSales: 100_000, days: 28 }])).toEqual({ days: 59, periodsUsed: 2, exhausted: true });
  });

  it('reproduces the published ADD example: DSO 45 − best-possible DSO 12 = 33', () => {
    // Total receivables 15 000, current receivables 4 000, credit sales 10 000 in a 30-day period.
    const dso = daysSalesOutstanding({ receivables: 15_000, creditSales: 10_000, days: 30 });
    const best = bestPossibleDso({ currentReceivables: 4_000, creditSales: 10_000, days: 30 });
    expect(dso).toBe(45);
    expect(best).toBe(12);
    expect(averageDaysDelinquent({ dso, bestPossibleDso: best })).toBe(33);
    expect(averageDaysDelinquent({ dso: 45, bestPossibleDso: 12 })).toBe(33);
  });

  it('has no DSO without credit sales, and refuses malformed inputs', () => {
    expect(daysSalesOutstanding({ receivables: 10, creditSales: 0, days: 30 })).toBeNull();
    expect(averageDaysDelinquent({ dso: null, bestPossibleDso: 3 })).toBeNull();
    expect(() => daysSalesOutstanding({ receivables: 1.5, creditSales: 10, days: 30 })).toThrow(RangeError);
    expect(() => daysSalesOutstanding({ receivables: 1, creditSales: 10, days: 0 })).toThrow(RangeError);
    expect(() => countbackDso(-1, [])).toThrow(RangeError);
  });
});

describe('Collection Effectiveness Index', () => {
  it('is collected ÷ collectable over the period, with the credit sales of the period (hand-computed)', () => {
    // 500 000 + 300 000 − 400 000 = 400 000 collected of 500 000 + 300 000 − 250 000 = 550 000 collectable.
    const cei = collectionEffectivenessIndex({
      beginningReceivables: 500_000,
      creditSales: 300_000,
      endingReceivables: 400_000,
      endingCurrentReceivables: 250_000,
    });
    expect(cei).toBeCloseTo((400_000 / 550_000) * 100, 12);
    expect(cei!.toFixed(2)).toBe('72.73');
  });

  it('is 100 when everything collectable was collected, and undefined when nothing was collectable', () => {
    expect(collectionEffectivenessIndex({ beginningReceivables: 100, creditSales: 50, endingReceivables: 30, endingCurrentReceivables: 30 })).toBe(100);
    expect(collectionEffectivenessIndex({ beginningReceivables: 0, creditSales: 0, endingReceivables: 0, endingCurrentReceivables: 0 })).toBeNull();
    expect(() => collectionEffectivenessIndex({ beginningReceivables: 0, creditSales: 10, endingReceivables: 5, endingCurrentReceivables: 6 })).toThrow(RangeError);
  });
});

describe('UTC days', () => {
  it('counts calendar days in UTC whatever the offset of the instant', () => {
    expect(utcDay('2026-03-31T23:30:00.000Z')).toBe(utcDay('2026-04-01T01:30:00+02:00'));
    expect(utcDay('2026-04-01T00:30:00+02:00')).toBe(utcDay('2026-03-31T00:00:00Z'));
    expect(utcDay('2026-03-01')).toBe(utcDay('2026-03-01T23:59:59.999Z'));
    expect(utcDay('2026-03-01T10:00')).toBe(utcDay(new Date(Date.UTC(2026, 2, 1, 10))));
    expect(utcDay('2026-04-10T00:00:00Z') - utcDay('2026-03-31T00:00:00Z')).toBe(10);
    expect(isoDateOfDay(utcDay('2024-02-29T12:00:00Z'))).toBe('2024-02-29');
    expect(utcDay('2026-02-30T00:00:00Z')).toBeNaN();
    expect(utcDay('yesterday')).toBeNaN();
  });
});
