/**
 * Accuracy is part of the feature: replaying a generated AR history month by month, the forecast
 * must beat paying on the due date by a wide margin, and the customer's median too.
 */
import { describe, expect, it } from 'vitest';
import { backtest, isTouchlogError, type InvoiceRow, type ValidationError } from 'touchlog';
import { readInvoiceTable } from 'touchlog/interop';
import { generateReceivables } from 'touchlog/testing';

describe('backtest on generated AR histories (heavy-tailed lateness, per-customer habits, disputes, drift)', () => {
  for (const seed of [1, 2]) {
    it(`seed ${seed}: MAE at most 0.45× the due-date baseline and 0.85× the customer's median, with a calibrated P10–P90`, () => {
      const { rows } = generateReceivables({ seed });
      const report = backtest(rows);
      expect(report.asOf.length).toBeGreaterThanOrEqual(24);
      expect(report.forecasts).toBeGreaterThan(5000);
      // Measured on seeds 1–3: 0.33–0.35 of the due-date MAE, 0.70–0.75 of the customer median's.
      expect(report.ratios.toDueDate).toBeLessThanOrEqual(0.45);
      expect(report.ratios.toCustomerMedian).toBeLessThanOrEqual(0.85);
      expect(report.ratios.toDueDateConditioned).toBeLessThan(0.6);
      expect(report.model.withinP10P90).toBeGreaterThan(0.72);
      expect(report.model.withinP10P90).toBeLessThan(0.88);
      expect(Math.abs(report.model.bias)).toBeLessThan(3);
      expect(report.periods.every((p) => p.invoices > 0 && Number.isFinite(p.modelMae))).toBe(true);
    });
  }

  it('forecasts only with what was known: a table cut at a day gives the same months before it', () => {
    const { rows } = generateReceivables({ seed: 3, customers: 60 });
    const asOf = ['2024-06-30', '2024-09-30'];
    const full = backtest(rows, { asOf });
    // Payments after the last as-of day are the outcomes; invoices issued after it change nothing.
    const cut = rows.filter((r) => String(r.invoiceDate) <= '2024-09-30');
    const { neverSettled, ...known } = backtest(cut, { asOf });
    const { neverSettled: all, ...expected } = full;
    expect(known).toEqual(expected);
    expect(neverSettled).toBeLessThanOrEqual(all);
  });
});

/** Generated rows written as the IBM sample writes them (M/D/YYYY dates, Yes/No, decimal amounts). */
function ibmCsv(rows: readonly InvoiceRow[]): string {
  const us = (iso: string) => {
    const [y, m, d] = iso.split('-').map(Number);
    return `${m}/${d}/${y}`;
  };
  const lines = ['countryCode,customerID,PaperlessDate,invoiceNumber,InvoiceDate,DueDate,InvoiceAmount,Disputed,SettledDate,PaperlessBill,DaysToSettle,DaysLate'];
  rows.forEach((r, i) => {
    const settled = r.settledDate ? us(String(r.settledDate)) : '';
    lines.push(`391,${r.customer},1/1/2013,${600000 + i},${us(String(r.invoiceDate))},${us(String(r.dueDate))},${((r.amountMinor ?? 0) / 100).toFixed(2)},${r.disputed ? 'Yes' : 'No'},${settled},Paper,0,0`);
  });
  return `${lines.join('\r\n')}\r\n`;
}

describe('a plain AR table, fed in directly', () => {
  it('reads the IBM sample’s columns and date format and backtests the same as the rows', () => {
    const { rows } = generateReceivables({ seed: 5, customers: 40 });
    const table = readInvoiceTable(ibmCsv(rows));
    expect(table.dateFormat).toBe('mdy');
    expect(table.columns).toEqual({ customer: 'customerID', ref: 'invoiceNumber', invoiceDate: 'InvoiceDate', dueDate: 'DueDate', settledDate: 'SettledDate', amount: 'InvoiceAmount', disputed: 'Disputed' });
    expect(table.rows).toHaveLength(rows.length);
    const fromCsv = backtest(table.rows);
    const direct = backtest(rows.map((r) => ({ ...r, ref: undefined })));
    expect(fromCsv.ratios).toEqual(direct.ratios);
    expect(fromCsv.forecasts).toBe(direct.forecasts);
  });

  it('lists every bad cell with its line and column', () => {
    const text = 'customerID,InvoiceDate,DueDate,SettledDate,InvoiceAmount,Disputed\nA,1/2/2013,2/1/2013,,10.00,No\nB,13/45/2013,2/1/2013,,abc,Maybe\n';
    try {
      readInvoiceTable(text);
      throw new Error('expected an error');
    } catch (error) {
      expect(isTouchlogError(error, 'VALIDATION_FAILED')).toBe(true);
      expect((error as ValidationError).issues.map((i) => [i.code, ...i.path])).toEqual([
        ['invalid_date', 3, 'InvoiceDate'],
        ['invalid_money', 3, 'InvoiceAmount'],
        ['invalid_value', 3, 'Disputed'],
      ]);
    }
    expect(() => readInvoiceTable('customer,amount\nA,1\n')).toThrow(/found no column for invoiceDate/);
  });
});

describe('bad input', () => {
  it('refuses dates out of order and malformed rows, with their index', () => {
    const ok = { customer: 'A', invoiceDate: '2025-01-01', dueDate: '2025-01-31', settledDate: '2025-02-03' };
    const issue = (rows: unknown[]) => {
      try {
        backtest(rows as InvoiceRow[]);
      } catch (error) {
        if (isTouchlogError(error, 'VALIDATION_FAILED')) return (error as ValidationError).issues[0];
        throw error;
      }
      return undefined;
    };
    expect(issue([ok, { ...ok, dueDate: '2024-12-01' }])).toMatchObject({ path: [1, 'dueDate'], code: 'out_of_order' });
    expect(issue([{ ...ok, settledDate: '2024-12-01' }])).toMatchObject({ path: [0, 'settledDate'], code: 'out_of_order' });
    expect(issue([{ ...ok, customer: '' }])).toMatchObject({ path: [0, 'customer'] });
    expect(issue([{ ...ok, invoiceDate: 'yesterday' }])).toMatchObject({ path: [0, 'invoiceDate'], code: 'invalid_date' });
    expect(issue([{ ...ok, amountMinor: -5 }])).toMatchObject({ path: [0, 'amountMinor'] });
  });

  it('reports no ratio rather than a division by zero when nothing can be scored', () => {
    const report = backtest([{ customer: 'A', invoiceDate: '2025-01-01', dueDate: '2025-01-31', settledDate: null }]);
    expect(report.forecasts).toBe(0);
    expect(report.neverSettled).toBe(1);
    expect(report.ratios).toEqual({ toDueDate: null, toCustomerMedian: null, toDueDateConditioned: null });
  });
});
