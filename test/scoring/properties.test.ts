import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paymentBehaviour, riskScore, scoreCustomer, type CustomerHistory, type PaymentFacts } from 'touchlog';
import { ASOF, DAY, dispute, history, reorder } from './arbitraries.js';
import { tzFixtureScores } from './fixtures/tz-scores.js';

const RUNS = 200;
const costs = { currency: 'USD', perContact: { email: 5, phone: 250, letter: 90 }, perMinute: { phone: 35, meeting: 60 } } as const;

/** Moves payment `index` `days` earlier. */
function payEarlier(h: CustomerHistory, index: number, days: number): CustomerHistory {
  const payments = [...(h.payments ?? [])];
  const p = payments[index]!;
  const ms = typeof p.receivedAt === 'string' ? Date.parse(p.receivedAt) : p.receivedAt.getTime();
  payments[index] = { ...p, receivedAt: new Date(ms - days * DAY).toISOString() } satisfies PaymentFacts;
  return { ...h, payments };
}

describe('property: paying earlier never lowers the payment score', () => {
  it('per currency, for every payment and any number of days', () => {
    fc.assert(
      fc.property(history, fc.nat(), fc.integer({ min: 1, max: 120 }), (h, pick, days) => {
        fc.pre((h.payments ?? []).length > 0);
        const index = pick % h.payments!.length;
        const before = paymentBehaviour(h, { asOf: ASOF });
        const after = paymentBehaviour(payEarlier(h, index, days), { asOf: ASOF });
        // A payment moved from after asOf to before it may bring its currency in, as unapplied cash only.
        for (const currency of after.currencies.filter((c) => !before.currencies.includes(c))) {
          expect(after.byCurrency[currency]!.paydexExact).toBeNull();
        }
        for (const currency of before.currencies) {
          const b = before.byCurrency[currency]!;
          const a = after.byCurrency[currency]!;
          expect(a.invoices).toBe(b.invoices);
          if (b.paydexExact === null) {
            expect(a.paydexExact).toBeNull();
            continue;
          }
          expect(a.paydexExact!).toBeGreaterThanOrEqual(b.paydexExact);
          expect(a.paydex!).toBeGreaterThanOrEqual(b.paydex!);
          expect(a.averageDaysBeyondTerms!).toBeLessThanOrEqual(b.averageDaysBeyondTerms!);
          expect(a.onTimeShare!).toBeGreaterThanOrEqual(b.onTimeShare!);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('property: adding a dispute never lowers risk', () => {
  it('never makes the customer look safer', () => {
    fc.assert(
      fc.property(history, dispute, fc.constantFrom(0, 3), (h, added, minInvoices) => {
        const before = riskScore(h, { asOf: ASOF, minInvoices });
        const after = riskScore({ ...h, disputes: [...(h.disputes ?? []), added] }, { asOf: ASOF, minInvoices });
        expect(after.available).toBe(before.available);
        if (!before.available || !after.available) return;
        expect(after.score).toBeGreaterThanOrEqual(before.score);
        const factor = (r: typeof after) => r.factors.find((f) => f.factor === 'disputes')!.points;
        expect(factor(after)).toBeGreaterThanOrEqual(factor(before));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('property: scores are identical whatever the input order', () => {
  it('every figure of payment behaviour, signals and risk, to the last bit', () => {
    fc.assert(
      fc.property(history, fc.integer(), (h, seed) => {
        const options = { asOf: ASOF, costs, rates: { USD: 1, EUR: 1.08, JPY: 0.0067 } };
        expect(scoreCustomer(reorder(h, seed), options)).toEqual(scoreCustomer(h, options));
        expect(scoreCustomer(reorder(h, seed), { asOf: ASOF })).toEqual(scoreCustomer(h, { asOf: ASOF }));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('results do not depend on the time zone of the process', () => {
  const offset = () => new Date(Date.UTC(2026, 0, 15)).getTimezoneOffset();

  it('scores identically under TZ = UTC, +14:00, −03:30, +05:45 and −11:00 (switched in this process)', () => {
    const saved = process.env.TZ;
    const results: Array<{ offset: number; scores: unknown }> = [];
    try {
      for (const tz of ['UTC', 'Pacific/Kiritimati', 'America/St_Johns', 'Asia/Kathmandu', 'Pacific/Pago_Pago']) {
        process.env.TZ = tz;
        results.push({ offset: offset(), scores: tzFixtureScores() });
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
    // The zones really were in force (so a local-time day count would have shown up)...
    expect(results.map((r) => r.offset)).toEqual([0, -840, 210, -345, 660]);
    // ...and the scores are the same in each.
    for (const r of results.slice(1)) expect(r.scores).toEqual(results[0]!.scores);
  });

  it('scores identically in a fresh process started with TZ=Pacific/Kiritimati', async () => {
    const script = fileURLToPath(new URL('./fixtures/tz-scores.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
      // From the repository root, where tsx resolves 'touchlog' through tsconfig paths.
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: { ...process.env, TZ: 'Pacific/Kiritimati' },
      maxBuffer: 64 * 1024 * 1024,
    });
    const output = JSON.parse(stdout) as { offsetMinutes: number; scores: unknown };
    expect(output.offsetMinutes).toBe(-840);
    expect(output.scores).toEqual(JSON.parse(JSON.stringify(tzFixtureScores())));
  }, 60_000);
});
